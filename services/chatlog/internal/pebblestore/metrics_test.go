package pebblestore

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// histCount is the sample count of the histogram called name.
func histCount(t *testing.T, reg *prometheus.Registry, name string) uint64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetHistogram().GetSampleCount()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// TestDedupeMetrics: a new message is counted as filtered (no lookup), its
// retry as found.
func TestDedupeMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := open(t, Options{InMemory: true, Metrics: reg})
	defer s.Close()
	appendOne(t, s, 1, 2, "once")
	appendOne(t, s, 1, 2, "once") // a retry, in a later batch
	for result, want := range map[string]float64{"filtered": 1, "found": 1, "absent": 0} {
		if got := counter(t, reg, "chatlog_dedupe_checks_total", result); got != want {
			t.Errorf("chatlog_dedupe_checks_total{result=%q} = %v; want %v", result, got, want)
		}
	}
}

// counter is the value of the counter called name with result label result.
func counter(t *testing.T, reg *prometheus.Registry, name, result string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == result {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

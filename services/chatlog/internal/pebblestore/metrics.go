package pebblestore

import "github.com/prometheus/client_golang/prometheus"

// metrics shows what group commit is doing: how much each fsync carries and
// what it costs.
type metrics struct {
	batch    prometheus.Histogram
	commit   prometheus.Histogram
	appended *prometheus.CounterVec
	// dedupe counts idempotency checks by how they ended: "filtered" (the
	// filter knew the key was new), "found" (a retry), "absent" (a false
	// positive of the filter, which cost a lookup). Resolved once: every
	// append counts one.
	filtered, found, absent prometheus.Counter
	filterBytes             prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	dedupe := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "chatlog_dedupe_checks_total",
		Help: "Idempotency checks: filtered (known new without a lookup), found (a retry), absent (a filter false positive).",
	}, []string{"result"})
	m := &metrics{
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "chatlog_commit_batch_items", Help: "Messages and read marks per group commit.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 11),
		}),
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "chatlog_commit_seconds", Help: "Time to write and fsync one group commit.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 12),
		}),
		appended: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chatlog_appends_total", Help: "Appended messages: new, or duplicate (an idempotent retry).",
		}, []string{"result"}),
		filterBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "chatlog_dedupe_filter_bytes", Help: "Memory of the in-memory filter of idempotency keys.",
		}),
	}
	m.filtered, m.found, m.absent = dedupe.WithLabelValues("filtered"), dedupe.WithLabelValues("found"), dedupe.WithLabelValues("absent")
	if reg != nil {
		reg.MustRegister(m.batch, m.commit, m.appended, dedupe, m.filterBytes)
	}
	return m
}

package pebblestore

import "github.com/prometheus/client_golang/prometheus"

// metrics shows what group commit is doing: how much each fsync carries and
// what it costs.
type metrics struct {
	batch    prometheus.Histogram
	commit   prometheus.Histogram
	appended *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
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
	}
	if reg != nil {
		reg.MustRegister(m.batch, m.commit, m.appended)
	}
	return m
}

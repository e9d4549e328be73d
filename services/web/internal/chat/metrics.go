package chat

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the domain's counters: sends by outcome, send latency and
// buddy-list reads.
type Metrics struct {
	sends       *prometheus.CounterVec
	sendSeconds prometheus.Histogram
	buddyPolls  *prometheus.CounterVec
	deliveries  *prometheus.CounterVec
}

// NewMetrics registers the metrics with reg; nil leaves them unregistered.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "web_sends_total", Help: "Sends, by outcome (ok, invalid, not_friends, rate_limited, unavailable, error).",
		}, []string{"outcome"}),
		sendSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "web_send_seconds", Help: "Send latency, from validation to the stored message.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 10),
		}),
		buddyPolls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "web_buddy_list_polls_total", Help: "Buddy-list reads, by answer (full, changes).",
		}, []string{"answer"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "web_deliveries_total", Help: "Payloads pushed to channel owners, by outcome.",
		}, []string{"outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m.sends, m.sendSeconds, m.buddyPolls, m.deliveries)
	}
	return m
}

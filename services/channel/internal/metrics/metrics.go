// Package metrics holds the channel service's Prometheus metrics, registered
// on the process's own registry (never the global one: tests run several
// instances in one process).
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
)

// Channel is every channel metric.
type Channel struct {
	// Parked counts long-polls parked right now.
	Parked prometheus.Gauge
	// Deliveries counts deliveries by outcome: ok, not_owner, overflow, invalid.
	Deliveries *prometheus.CounterVec
	// Overflows counts deliveries refused because the user's queue was full.
	Overflows prometheus.Counter
	// Latency observes enqueue → written to a poll, per payload and poll.
	Latency prometheus.Histogram
	// Polls counts answered polls by answer type.
	Polls *prometheus.CounterVec
	// Resets counts "reset" answers (new epoch or a gap).
	Resets prometheus.Counter
	// Moved counts "moved" answers (another instance owns the user).
	Moved prometheus.Counter
	// Dropped counts mailboxes dropped because their users moved away.
	Dropped prometheus.Counter
}

// New registers the metrics on reg; queue depth and the mailbox count are
// read from hub at scrape time.
func New(reg prometheus.Registerer, hub *queue.Hub) *Channel {
	m := &Channel{
		Parked: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "channel_parked_polls", Help: "Long-polls parked right now.",
		}),
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "channel_deliveries_total", Help: "Deliveries by outcome.",
		}, []string{"status"}),
		Overflows: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "channel_overflows_total", Help: "Deliveries refused because the user's queue was full.",
		}),
		Latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "channel_delivery_latency_seconds",
			Help:    "From enqueue to written to a poll, per payload and poll.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2.5, 12),
		}),
		Polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "channel_polls_total", Help: "Polls answered, by answer type.",
		}, []string{"answer"}),
		Resets: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "channel_resets_total", Help: "Polls answered reset.",
		}),
		Moved: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "channel_moved_total", Help: "Polls answered moved.",
		}),
		Dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "channel_mailboxes_dropped_total", Help: "Mailboxes dropped because their users moved to another instance.",
		}),
	}
	depth := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "channel_queue_depth", Help: "Payloads held across all mailboxes.",
	}, func() float64 { return float64(hub.Depth()) })
	boxes := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "channel_mailboxes", Help: "Mailboxes held.",
	}, func() float64 { return float64(hub.Len()) })
	reg.MustRegister(m.Parked, m.Deliveries, m.Overflows, m.Latency, m.Polls, m.Resets, m.Moved, m.Dropped, depth, boxes)
	return m
}

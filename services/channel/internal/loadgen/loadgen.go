// Package loadgen measures a long-poll server the way the channel issue
// asks: park N polls across several 127.0.0.x source addresses, deliver M
// messages at a fixed rate, and report delivered / lost / duplicated,
// end-to-end latency, server memory per idle poll and server CPU per
// message. The same run drives our channel service and nginx+nchan.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Config is one measurement.
type Config struct {
	Target Target
	// PID is the server process whose memory and CPU are read.
	PID int
	// Users is N, the polls parked (one user each).
	Users int
	// Messages is M, delivered at Rate per second.
	Messages, Rate int
	// Sources is how many 127.0.0.x addresses the polls come from.
	Sources int
	// BatchEvery is the pacing tick; MaxBatch caps the messages handed to
	// one publish call (one Thrift deliver; nchan takes one per POST anyway).
	BatchEvery time.Duration
	MaxBatch   int
	// Publishers is the number of publishing connections.
	Publishers int
	// Ramp is how many polls connect at once.
	Ramp int
	// Settle is the wait between all polls parked and reading memory.
	Settle time.Duration
	// Linger is how long to wait for stragglers after the last message.
	Linger time.Duration
	// Log gets progress lines.
	Log io.Writer
}

// Result is what one measurement found.
type Result struct {
	Target           string  `json:"target"`
	Users            int     `json:"users"`
	Messages         int     `json:"messages"`
	Rate             int     `json:"rate"`
	AchievedRate     float64 `json:"achieved_rate"`
	Sent             int64   `json:"sent"`
	Rejected         int64   `json:"rejected"`
	Delivered        int64   `json:"delivered"`
	Lost             int64   `json:"lost"`
	Duplicated       int64   `json:"duplicated"`
	P50ms            float64 `json:"p50_ms"`
	P99ms            float64 `json:"p99_ms"`
	P999ms           float64 `json:"p999_ms"`
	RSSBefore        int64   `json:"rss_before_bytes"`
	RSSParked        int64   `json:"rss_parked_bytes"`
	BytesPerIdlePoll float64 `json:"bytes_per_idle_poll"`
	CPUSeconds       float64 `json:"cpu_seconds"`
	CPUPerMessageUs  float64 `json:"cpu_per_message_us"`
	PollErrors       int64   `json:"poll_errors"`
}

// gen is one run's shared state.
type gen struct {
	cfg      Config
	seen     []atomic.Uint32 // receipts per message id
	latency  []atomic.Int64  // first receipt's latency per message id, ns
	received atomic.Int64
	dups     atomic.Int64
	errs     atomic.Int64
	firstErr atomic.Pointer[error]
}

// Run measures cfg.Target.
func Run(ctx context.Context, cfg Config) (Result, error) {
	g := &gen{cfg: cfg, seen: make([]atomic.Uint32, cfg.Messages), latency: make([]atomic.Int64, cfg.Messages)}
	res := Result{Target: cfg.Target.Name(), Users: cfg.Users, Messages: cfg.Messages, Rate: cfg.Rate}
	var err error
	if res.RSSBefore, err = rss(cfg.PID); err != nil {
		return res, err
	}

	pollCtx, stopPolls := context.WithCancel(ctx)
	var polls sync.WaitGroup
	defer func() { stopPolls(); polls.Wait() }()
	g.logf("parking %d polls from %d source addresses", cfg.Users, cfg.Sources)
	ramp := make(chan struct{}, cfg.Ramp)
	for u := 1; u <= cfg.Users; u++ {
		src := net.IPv4(127, 0, 0, byte(1+u%cfg.Sources))
		polls.Go(func() { g.poll(pollCtx, int64(u), src, ramp) })
	}
	if err := g.waitParked(ctx); err != nil {
		return res, err
	}
	time.Sleep(cfg.Settle) // let the server reach its idle state before reading memory
	if res.RSSParked, err = rss(cfg.PID); err != nil {
		return res, err
	}
	res.BytesPerIdlePoll = float64(res.RSSParked-res.RSSBefore) / float64(cfg.Users)
	g.logf("parked: RSS %d -> %d KiB, %.0f bytes per idle poll", res.RSSBefore>>10, res.RSSParked>>10, res.BytesPerIdlePoll)

	cpu0, err := cpu(cfg.PID)
	if err != nil {
		return res, err
	}
	sent, rejected, took, err := g.publish(ctx)
	if err != nil {
		return res, err
	}
	res.Sent, res.Rejected = sent, rejected
	res.AchievedRate = float64(sent) / took.Seconds()
	g.logf("sent %d in %v (%.0f/s), %d rejected; waiting for stragglers", sent, took.Round(time.Millisecond), res.AchievedRate, rejected)
	g.waitReceived(ctx, sent-rejected)
	cpu1, err := cpu(cfg.PID)
	if err != nil {
		return res, err
	}
	res.Delivered, res.Duplicated, res.PollErrors = g.received.Load(), g.dups.Load(), g.errs.Load()
	res.Lost = sent - res.Delivered
	res.CPUSeconds = (cpu1 - cpu0).Seconds()
	if res.Delivered > 0 {
		res.CPUPerMessageUs = float64((cpu1 - cpu0).Microseconds()) / float64(res.Delivered)
	}
	res.P50ms, res.P99ms, res.P999ms = g.percentiles()
	if e := g.firstErr.Load(); e != nil {
		g.logf("first poll error: %v", *e)
	}
	return res, nil
}

func (g *gen) logf(format string, args ...any) {
	if g.cfg.Log != nil {
		fmt.Fprintf(g.cfg.Log, "loadgen %s: %s\n", g.cfg.Target.Name(), fmt.Sprintf(format, args...))
	}
}

// waitParked waits until the server reports every poll parked.
func (g *gen) waitParked(ctx context.Context) error {
	deadline := time.Now().Add(2*time.Minute + time.Duration(g.cfg.Users)*time.Millisecond)
	for last := -1; ; {
		n, err := g.cfg.Target.parked(ctx)
		if err == nil && n >= g.cfg.Users {
			return nil
		}
		if n != last && err == nil {
			last = n
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d polls parked (%v); %d poll errors", last, g.cfg.Users, err, g.errs.Load())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitReceived waits until want messages arrived, or Linger passed
// without all of them.
func (g *gen) waitReceived(ctx context.Context, want int64) {
	deadline := time.Now().Add(g.cfg.Linger)
	for g.received.Load() < want && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
}

func (g *gen) fail(err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		return
	}
	g.errs.Add(1)
	g.firstErr.CompareAndSwap(nil, &err)
}

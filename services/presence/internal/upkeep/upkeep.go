// Package upkeep runs a presence shard's two background duties: sweeping the
// table to bound its memory, and rebasing it when the owner view changes.
// Each is one blocking loop for the runtime to own (r.Go) and stop through
// its context.
package upkeep

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/presence/internal/table"
)

// Sweeper sweeps a table on a period and publishes what it counted.
type Sweeper struct {
	t       *table.Table
	every   time.Duration
	log     zerolog.Logger
	online  atomic.Int64
	offline atomic.Int64
	dropped prometheus.Counter
}

// NewSweeper sweeps t every period, with gauges of online and offline users
// in reg (nil: not registered).
func NewSweeper(t *table.Table, every time.Duration, log zerolog.Logger, reg prometheus.Registerer) *Sweeper {
	s := &Sweeper{t: t, every: every, log: log, dropped: prometheus.NewCounter(prometheus.CounterOpts{
		Name: "presence_offline_dropped_total", Help: "Offline entries dropped to keep under -max-offline.",
	})}
	if reg != nil {
		reg.MustRegister(s.dropped,
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "presence_online_users", Help: "Users online (active or idle) at the last sweep.",
			}, func() float64 { return float64(s.online.Load()) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "presence_offline_users", Help: "Offline users kept for last seen at the last sweep.",
			}, func() float64 { return float64(s.offline.Load()) }))
	}
	return s
}

// Run sweeps until ctx ends; it returns nil then.
func (s *Sweeper) Run(ctx context.Context) error {
	tick := time.NewTicker(s.every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			s.Sweep()
		}
	}
}

// Sweep sweeps once and publishes the counts.
func (s *Sweeper) Sweep() table.Stats {
	st := s.t.Sweep()
	s.online.Store(int64(st.Online))
	s.offline.Store(int64(st.Offline))
	s.dropped.Add(float64(st.Dropped))
	if st.Dropped > 0 {
		s.log.Info().Int("dropped", st.Dropped).Int("offline", st.Offline).Msg("dropped the longest-offline entries")
	}
	return st
}

// Follower rebases a table every time the owner view changes: the shard may
// now own users it has never heard of, and pollers must learn they are
// offline here (the next report round refills the online ones).
type Follower struct {
	res  discovery.Resolver
	t    *table.Table
	log  zerolog.Logger
	view *discovery.View
}

// NewFollower follows res from its current view, so a change made between
// this call and Run is not missed.
func NewFollower(res discovery.Resolver, t *table.Table, log zerolog.Logger) *Follower {
	return &Follower{res: res, t: t, log: log, view: res.View()}
}

// Run follows until ctx ends; it returns nil then.
func (f *Follower) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-f.view.Stale():
			f.t.Rebase()
			f.view = f.res.View()
			f.log.Info().Int("instances", f.view.Len()).Msg("presence view changed; rebased")
		}
	}
}

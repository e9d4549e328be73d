// Package report tells the presence tier, every few seconds, which users are
// connected to this channel instance and how long they have been idle: one
// batch per presence owner (the Reporter splits it), never one call per
// user or per change.
package report

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
)

// Reporter sends one round of entries; *presenceclient.Client is one.
type Reporter interface {
	Report(ctx context.Context, reporter string, interval time.Duration, entries []presenceclient.Entry) error
}

// Loop reports the connected users every Interval.
type Loop struct {
	// ID names this instance to the presence tier.
	ID string
	// Interval is the time between rounds; presence expires users after a
	// few missed rounds.
	Interval time.Duration
	// Connected lists the users to report.
	Connected func() []queue.Connection
	// Reporter sends them.
	Reporter Reporter
	// Log gets one line when reporting starts failing and one when it
	// recovers, not one per round.
	Log zerolog.Logger
}

// Run reports until ctx ends.
func (l *Loop) Run(ctx context.Context) error {
	tick := time.NewTicker(l.Interval)
	defer tick.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		err := l.round(ctx)
		switch {
		case err != nil && !failing:
			l.Log.Warn().Err(err).Msg("presence report failed; retrying every interval")
		case err == nil && failing:
			l.Log.Info().Msg("presence reports go through again")
		}
		failing = err != nil
	}
}

// round sends one report, bounded by one interval so rounds never pile up.
func (l *Loop) round(ctx context.Context) error {
	conns := l.Connected()
	entries := make([]presenceclient.Entry, len(conns))
	for i, c := range conns {
		entries[i] = presenceclient.Entry{User: c.User, Idle: min(max(c.Idle, 0), presenceclient.MaxIdle)}
	}
	ctx, cancel := context.WithTimeout(ctx, l.Interval)
	defer cancel()
	return l.Reporter.Report(ctx, l.ID, l.Interval, entries)
}

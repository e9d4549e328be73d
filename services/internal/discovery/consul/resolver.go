package consul

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/consul/api"
	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

var _ discovery.Resolver = (*Resolver)(nil)

// Resolver follows the passing instances of one service with blocking
// queries. While Consul is unreachable it keeps serving the last good view.
type Resolver struct {
	client  *api.Client
	service string
	log     zerolog.Logger
	set     settings
	latest  discovery.Latest

	ready  chan struct{} // closed after the first successful answer
	cancel context.CancelFunc
	done   chan struct{} // closed when watch has returned

	mu  sync.Mutex
	err error // the last query's error; nil after a success
}

// NewResolver starts following service's passing instances through client.
// It reads WithWaitTime and WithBackoff. Close stops it.
func NewResolver(client *api.Client, service string, log zerolog.Logger, opts ...Option) *Resolver {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Resolver{
		client: client, service: service, log: log.With().Str("watch", service).Logger(),
		set: newSettings(opts), ready: make(chan struct{}), cancel: cancel, done: make(chan struct{}),
	}
	// Owned by the Resolver: Close cancels ctx and waits for done.
	go r.watch(ctx)
	return r
}

// View returns the latest view; never nil, empty until Consul first answers.
func (r *Resolver) View() *discovery.View { return r.latest.View() }

// Err returns the last query's error, or nil when the last query succeeded:
// non-nil means View may be out of date.
func (r *Resolver) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Ready waits until Consul has answered once, so that View reflects Consul
// rather than the initial empty view. It gives up when ctx ends or the
// Resolver is closed.
func (r *Resolver) Ready(ctx context.Context) error {
	select {
	case <-r.ready:
		return nil
	default:
	}
	select {
	case <-r.ready:
		return nil
	case <-r.done:
		return fmt.Errorf("resolve %s: closed before consul answered", r.service)
	case <-ctx.Done():
		if last := r.Err(); last != nil {
			return fmt.Errorf("resolve %s: no answer from consul: %w", r.service, errors.Join(ctx.Err(), last))
		}
		return fmt.Errorf("resolve %s: no answer from consul: %w", r.service, ctx.Err())
	}
}

// Close stops following and waits for the watcher to exit; View keeps
// answering the last view. Safe to call more than once.
func (r *Resolver) Close() error {
	r.cancel()
	<-r.done
	return nil
}

// watch runs the blocking-query loop (after go-kit's sd/consul instancer).
func (r *Resolver) watch(ctx context.Context) {
	defer close(r.done)
	var index uint64
	failures := 0
	for {
		q := (&api.QueryOptions{WaitIndex: index, WaitTime: r.set.waitTime}).WithContext(ctx)
		entries, meta, err := r.client.Health().Service(r.service, "", true, q)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			failures++
			// Start over from index 0 after any error: an agent that restarted
			// has a smaller index, and waiting on the old one would block for
			// a whole WaitTime before we noticed.
			index = 0
			r.setErr(fmt.Errorf("query passing %s instances: %w", r.service, err))
			r.log.Warn().Err(err).Int("attempt", failures).Msg("consul query failed; keeping the last view")
			if !sleep(ctx, r.set.backoff(failures)) {
				return
			}
			continue
		}
		if failures > 0 {
			r.log.Info().Int("failures", failures).Msg("consul answers again")
			failures = 0
		}
		index = nextIndex(index, meta.LastIndex)
		v := view(entries)
		if r.latest.Publish(v) {
			r.log.Info().Int("instances", v.Len()).Msg("view changed")
		}
		r.setErr(nil)
		select {
		case <-r.ready:
		default:
			close(r.ready) // only this goroutine closes it
		}
	}
}

func (r *Resolver) setErr(err error) {
	r.mu.Lock()
	r.err = err
	r.mu.Unlock()
}

// nextIndex is the WaitIndex for the next query, per Consul's blocking-query
// rules: start over when the index goes backwards (the agent or its raft
// state was reset), and never wait on 0, which would not block and spin.
func nextIndex(prev, last uint64) uint64 {
	switch {
	case last < prev:
		return 0
	case last == 0:
		return 1
	default:
		return last
	}
}

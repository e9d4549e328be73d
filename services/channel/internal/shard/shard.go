// Package shard is the part of the user space one channel instance owns:
// it checks ownership against the discovery view (rendezvous hashing of the
// user id, compared by Thrift address with this instance's own), keeps the
// mailboxes of the users it owns, and drops the mailboxes of users it no
// longer owns when the view changes, so they get a new epoch wherever they
// land. Like queue it knows nothing of Thrift or HTTP.
package shard

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// NotOwnerError says another instance owns the user.
type NotOwnerError struct {
	User  int64
	Owner discovery.Instance
}

// Error names the owner.
func (e *NotOwnerError) Error() string {
	return fmt.Sprintf("user %d is owned by %s (%s)", e.User, e.Owner.ID, e.Owner.Addr)
}

// Options configure a Shard.
type Options struct {
	// Self is this instance's advertised Thrift address, as peers see it
	// in the view.
	Self string
	// Resolver follows the channel tier.
	Resolver discovery.Resolver
	// Hub holds the mailboxes.
	Hub *queue.Hub
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// SweepEvery is how often payloads age out and idle mailboxes expire.
	SweepEvery time.Duration
	// OnDrop is told how many mailboxes a view change dropped; may be nil.
	OnDrop func(n int)
}

// Shard serves the users this instance owns. It is safe for concurrent use.
type Shard struct {
	self       string
	res        discovery.Resolver
	hub        *queue.Hub
	now        func() time.Time
	sweepEvery time.Duration
	onDrop     func(int)

	// mu is read-held from the ownership check to the end of the mailbox
	// operation, and write-held while a new view is applied, so no
	// operation checks the old view and then touches a mailbox the new
	// view has just dropped (see LOCKS.md).
	mu   sync.RWMutex
	view *discovery.View
}

// New returns a Shard over the resolver's current view.
func New(o Options) *Shard {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SweepEvery <= 0 {
		o.SweepEvery = time.Second
	}
	if o.OnDrop == nil {
		o.OnDrop = func(int) {}
	}
	return &Shard{self: o.Self, res: o.Resolver, hub: o.Hub, now: o.Now, sweepEvery: o.SweepEvery, onDrop: o.OnDrop, view: o.Resolver.View()}
}

// Self is this instance's advertised Thrift address.
func (s *Shard) Self() string { return s.self }

// Hub is the shard's mailbox set, for metrics.
func (s *Shard) Hub() *queue.Hub { return s.hub }

// owner returns user's owner in v and whether it is this instance. With no
// instance in view (Consul not answered yet, or this is the only one and
// not yet healthy) this instance serves everyone rather than no one.
func (s *Shard) owner(v *discovery.View, user int64) (discovery.Instance, bool) {
	in, ok := v.Owner(discovery.HashUser(user))
	if !ok {
		return discovery.Instance{Addr: s.self}, true
	}
	return in, in.Addr == s.self
}

// Owns reports whether this instance owns user, and the owner if not.
func (s *Shard) Owns(user int64) (discovery.Instance, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.owner(s.view, user)
}

// Run applies each new discovery view and sweeps the hub until ctx ends.
func (s *Shard) Run(ctx context.Context) error {
	tick := time.NewTicker(s.sweepEvery)
	defer tick.Stop()
	for {
		s.mu.RLock()
		stale := s.view.Stale()
		s.mu.RUnlock()
		select {
		case <-ctx.Done():
			return nil
		case <-stale:
			s.apply(s.res.View())
		case <-tick.C:
			s.hub.Sweep(s.now())
		}
	}
}

// apply switches to view v and drops the mailboxes of users it moved away,
// waking their parked polls (which then answer "moved") once unlocked.
func (s *Shard) apply(v *discovery.View) {
	s.mu.Lock()
	s.view = v
	n, wake := s.hub.Drop(func(user int64) bool {
		_, mine := s.owner(v, user)
		return mine
	})
	s.mu.Unlock()
	if n > 0 {
		s.onDrop(n)
	}
	for _, w := range wake {
		w.Wake()
	}
}

package rpc

import (
	"maps"
	"slices"
	"sync"

	"github.com/apache/thrift/lib/go/thrift"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// Pools keeps one Pool per instance address of a tier and closes the pools of
// instances that leave the discovery view, so a churning tier does not leak
// connections. It is safe for concurrent use.
type Pools[C any] struct {
	newClient func(thrift.TClient) C

	mu     sync.Mutex
	pools  map[string]*Pool[C] // by Thrift address
	pruned *discovery.View     // the view pools were last pruned against
	closed bool
}

// NewPools returns an empty set whose pools wrap connections with newClient
// (for example channel.NewChannelServiceClient).
func NewPools[C any](newClient func(thrift.TClient) C) *Pools[C] {
	return &Pools[C]{newClient: newClient, pools: map[string]*Pool[C]{}}
}

// Get returns the pool for addr, or nil once closed. v is the view the caller
// routes by: the first Get that passes a view other than the last one closes
// the pools of addresses not in it. addr itself is spared and gets a pool
// even when v lacks it: an owner named by a NotOwner may not be in the
// caller's view yet.
func (p *Pools[C]) Get(v *discovery.View, addr string) *Pool[C] {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	if v != p.pruned {
		p.prune(v, addr)
	}
	pool, ok := p.pools[addr]
	if !ok {
		pool = NewPool(addr, p.newClient)
		p.pools[addr] = pool
	}
	return pool
}

// prune closes the pools of addresses in neither v nor keep; p.mu is held.
// Calls in flight on a closed pool still finish: Pool.Close drops only idle
// connections, and theirs are closed when they return.
func (p *Pools[C]) prune(v *discovery.View, keep string) {
	live := make(map[string]bool, v.Len()+1)
	live[keep] = true
	for _, in := range v.Instances() {
		live[in.Addr] = true
	}
	for addr, pool := range p.pools {
		if !live[addr] {
			pool.Close()
			delete(p.pools, addr)
		}
	}
	p.pruned = v
}

// Addrs returns the addresses that hold an open pool, sorted; for tests and
// metrics.
func (p *Pools[C]) Addrs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Sorted(maps.Keys(p.pools))
}

// Close closes every pool's idle connections; calls in flight finish on
// theirs, and Get returns nil from now on.
func (p *Pools[C]) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for addr, pool := range p.pools {
		pool.Close()
		delete(p.pools, addr)
	}
	return nil
}

package rpc

import (
	"slices"
	"sync"
	"testing"

	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

func isClosed[C any](p *Pool[C]) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

func instance(s *Server) discovery.Instance {
	return discovery.Instance{ID: s.Addr().String(), Addr: s.Addr().String()}
}

// TestPoolsFollowTheView: a newer view closes the pools of instances that
// left it and keeps the others; an address outside the view still gets a
// pool; Close closes them all and Get then returns nil.
func TestPoolsFollowTheView(t *testing.T) {
	a, _ := start(t, echo{})
	b, _ := start(t, echo{})
	addrA, addrB := a.Addr().String(), b.Addr().String()
	res := discovery.NewStatic(instance(a), instance(b))
	ps := NewPools(presencet.NewPresenceServiceClient)
	defer ps.Close()

	v := res.View()
	pa, pb := ps.Get(v, addrA), ps.Get(v, addrB)
	if pa == nil || pb == nil || pa == pb {
		t.Fatalf("pools %p, %p; want two distinct", pa, pb)
	}
	if got := ps.Get(v, addrA); got != pa {
		t.Fatal("a second Get in the same view made a new pool")
	}
	for _, p := range []*Pool[*presencet.PresenceServiceClient]{pa, pb} {
		if _, err := multiGet(p, 1); err != nil {
			t.Fatalf("call %s: %v", p.Addr(), err)
		}
	}

	res.Set(instance(b))
	v = res.View()
	if got := ps.Get(v, addrB); got != pb {
		t.Fatal("the pool of an instance still in the view was replaced")
	}
	if !isClosed(pa) {
		t.Fatalf("the pool of %s, which left the view, is open", addrA)
	}
	if _, err := multiGet(pa, 1); err == nil {
		t.Fatal("a call on a pruned pool succeeded")
	}
	if _, err := multiGet(pb, 1); err != nil {
		t.Fatalf("call on the kept pool: %v", err)
	}
	if got := ps.Addrs(); !slices.Equal(got, []string{addrB}) {
		t.Fatalf("pools for %v; want [%s]", got, addrB)
	}

	// An owner named by a NotOwner but missing from the caller's view.
	pa2 := ps.Get(v, addrA)
	if pa2 == nil || pa2 == pa || isClosed(pa2) {
		t.Fatalf("an address outside the view got pool %p (pruned one %p)", pa2, pa)
	}
	if _, err := multiGet(pa2, 1); err != nil {
		t.Fatalf("call on the pool outside the view: %v", err)
	}
	if got := ps.Get(v, addrB); got != pb || isClosed(pa2) {
		t.Fatal("a Get in the same view pruned again")
	}
	// A newer view that still lacks it spares the pool its caller asks for.
	res.Set(instance(b), discovery.Instance{ID: "gone", Addr: "127.0.0.1:1"})
	if got := ps.Get(res.View(), addrA); got != pa2 || isClosed(pa2) {
		t.Fatalf("a newer view without %s replaced the pool asked for: %p (want %p)", addrA, got, pa2)
	}
	res.Set(instance(b))
	if got := ps.Get(res.View(), addrB); got != pb || !isClosed(pa2) {
		t.Fatalf("after a newer view without %s: kept pool %p (want %p), its pool closed %v", addrA, got, pb, isClosed(pa2))
	}

	if err := ps.Close(); err != nil {
		t.Fatal(err)
	}
	if !isClosed(pb) {
		t.Fatal("Close left a pool open")
	}
	if got := ps.Get(res.View(), addrB); got != nil {
		t.Fatalf("Get after Close = %p; want nil", got)
	}
	if got := ps.Addrs(); len(got) != 0 {
		t.Fatalf("pools for %v after Close", got)
	}
}

// TestPoolsConcurrent runs Gets over changing views beside a Close, for the
// race detector: every pool handed out is closed once Close has run.
func TestPoolsConcurrent(t *testing.T) {
	ins := []discovery.Instance{{ID: "a", Addr: "127.0.0.1:1"}, {ID: "b", Addr: "127.0.0.1:2"}}
	res := discovery.NewStatic(ins...)
	ps := NewPools(presencet.NewPresenceServiceClient)
	var (
		mu  sync.Mutex
		got []*Pool[*presencet.PresenceServiceClient]
		wg  sync.WaitGroup
	)
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				if i == 0 && j%10 == 0 {
					res.Set(ins[j/10%2])
				}
				if i == 0 && j == 100 {
					ps.Close() // mid-way, while the others still Get
				}
				if p := ps.Get(res.View(), ins[(i+j)%2].Addr); p != nil {
					mu.Lock()
					got = append(got, p)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for _, p := range got {
		if !isClosed(p) {
			t.Fatalf("pool for %s open after Close", p.Addr())
		}
	}
}

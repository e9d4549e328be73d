package consul_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/internal/consultest"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/discovery/consul"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRegisteredInstanceResolves(t *testing.T) {
	a := consultest.Start(t)
	register(t, a, "chan-1", newHealth(t))
	r := resolve(t, a)
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	if err := r.Ready(ctx); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	v := waitIDs(t, a, r, "chan-1")
	in, ok := v.Owner(discovery.HashUser(7))
	if !ok || in.Service != "channel" || in.Addr == "" || in.Meta[discovery.MetaPollURL] != "http://chan-1.test/poll" {
		t.Fatalf("Owner = %+v, %v; want chan-1 with its address and poll URL", in, ok)
	}

	// Another service's resolver answers, and sees none of channel's instances.
	other := consul.NewResolver(a.Client(), "presence", testLog(t))
	defer other.Close()
	if err := other.Ready(ctx); err != nil {
		t.Fatalf("presence Ready: %v", err)
	}
	if n := other.View().Len(); n != 0 {
		t.Fatalf("presence view has %d instances; want 0", n)
	}
}

func TestFailingHealthCheckDrops(t *testing.T) {
	a := consultest.Start(t)
	h1, h2 := newHealth(t), newHealth(t)
	register(t, a, "chan-1", h1)
	register(t, a, "chan-2", h2)
	r := resolve(t, a)
	waitIDs(t, a, r, "chan-1", "chan-2")

	h2.set(http.StatusServiceUnavailable)
	waitIDs(t, a, r, "chan-1")
	h2.set(http.StatusOK)
	waitIDs(t, a, r, "chan-1", "chan-2")
}

func TestNewInstanceMovesAboutOneNth(t *testing.T) {
	a := consultest.Start(t)
	h := newHealth(t)
	for i := 1; i <= 3; i++ {
		register(t, a, fmt.Sprintf("chan-%d", i), h)
	}
	r := resolve(t, a)
	three := waitIDs(t, a, r, "chan-1", "chan-2", "chan-3")
	register(t, a, "chan-4", h)
	four := waitIDs(t, a, r, "chan-1", "chan-2", "chan-3", "chan-4")

	const keys = 20_000
	moved := 0
	for i := range keys {
		k := discovery.HashUser(int64(i))
		was, _ := three.Owner(k)
		now, _ := four.Owner(k)
		if was.ID != now.ID {
			moved++
			if now.ID != "chan-4" {
				t.Fatalf("user %d moved %s → %s; only moves to the new chan-4 are allowed", i, was.ID, now.ID)
			}
		}
	}
	if share := float64(moved) / keys; share < 0.18 || share > 0.32 {
		t.Fatalf("%.3f of the users moved to the 4th instance; want about 1/4", share)
	}
}

func TestDeregisterRemoves(t *testing.T) {
	a := consultest.Start(t)
	h := newHealth(t)
	register(t, a, "chan-1", h)
	reg2 := register(t, a, "chan-2", h)
	r := resolve(t, a)
	waitIDs(t, a, r, "chan-1", "chan-2")

	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	if err := reg2.Deregister(ctx); err != nil {
		t.Fatalf("Deregister: %v", err)
	}
	waitIDs(t, a, r, "chan-1")
	if err := reg2.Deregister(ctx); err != nil {
		t.Fatalf("second Deregister: %v", err)
	}
	// chan-3 takes a health-check interval to pass, many keep-alive periods:
	// once it shows up, a keep-alive that wrongly survived Deregister would
	// have brought chan-2 back too.
	register(t, a, "chan-3", h)
	waitIDs(t, a, r, "chan-1", "chan-3")
	if _, _, err := a.Client().Agent().Service("chan-2", nil); err == nil {
		t.Fatal("the agent still holds chan-2 after Deregister")
	}
}

func TestConsulAwayAndRestarted(t *testing.T) {
	a := consultest.Start(t)
	reg := register(t, a, "chan-1", newHealth(t))
	r := resolve(t, a)
	before := waitIDs(t, a, r, "chan-1")

	// Away: the resolver notices, and keeps serving the last good view.
	a.Stop()
	eventually(t, a, "failing while consul is away", func() error {
		if r.Err() == nil {
			return errors.New("resolver reports no error")
		}
		return nil
	})
	if r.View() != before || closed(before.Stale()) {
		t.Fatalf("with consul away the view changed to %v; want the last good one", ids(r.View()))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	late := consul.NewResolver(a.Client(), "channel", testLog(t))
	defer late.Close()
	if err := late.Ready(ctx); err == nil {
		t.Fatal("a new resolver reports Ready with consul away")
	}

	// Back, empty (dev mode): the registrar registers again and the
	// resolver, after a successful query to the new agent, lists it.
	a.Restart()
	eventually(t, a, "registered again on the restarted agent", func() error {
		_, _, err := a.Client().Agent().Service("chan-1", nil)
		return err
	})
	eventually(t, a, "following the restarted agent", func() error {
		if err := r.Err(); err != nil {
			return err
		}
		if got := ids(r.View()); len(got) != 1 || got[0] != "chan-1" {
			return fmt.Errorf("view lists %v", got)
		}
		return nil
	})

	// A restart while running, without a pause, is followed the same way.
	a.Restart()
	eventually(t, a, "registered again after a second restart", func() error {
		_, _, err := a.Client().Agent().Service("chan-1", nil)
		return err
	})
	ctx2, cancel2 := context.WithTimeout(context.Background(), deadline)
	defer cancel2()
	if err := reg.Deregister(ctx2); err != nil {
		t.Fatalf("Deregister after restarts: %v", err)
	}
	if _, _, err := a.Client().Agent().Service("chan-1", nil); err == nil {
		t.Fatal("the agent still holds chan-1 after Deregister")
	}
}

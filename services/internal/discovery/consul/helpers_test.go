package consul_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/internal/consultest"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/discovery/consul"
)

// deadline bounds every wait: a few health-check intervals (1s each, Consul's
// minimum) plus an agent restart, with room for a loaded machine.
const deadline = 30 * time.Second

// fast makes the loops react within test time.
var fast = []consul.Option{
	consul.WithKeepAlive(100 * time.Millisecond),
	consul.WithBackoff(50*time.Millisecond, 500*time.Millisecond),
}

// nextPort gives each registered instance its own (never dialed) port.
var nextPort atomic.Int32

// health is an instance's health endpoint whose answer the test flips.
type health struct {
	*httptest.Server
	status atomic.Int32
}

func newHealth(t *testing.T) *health {
	h := &health{}
	h.status.Store(http.StatusOK)
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(int(h.status.Load()))
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *health) set(code int) { h.status.Store(int32(code)) }

func testLog(t *testing.T) zerolog.Logger { return zerolog.New(zerolog.NewTestWriter(t)) }

// register registers instance id of the channel service with a fresh
// Registrar, deregistered at cleanup.
func register(t *testing.T, a *consultest.Agent, id string, h *health) *consul.Registrar {
	t.Helper()
	r := consul.NewRegistrar(a.Client(), testLog(t), fast...)
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	inst := discovery.Instance{
		ID: id, Service: "channel", Addr: fmt.Sprintf("127.0.0.1:%d", 9000+nextPort.Add(1)),
		Meta: map[string]string{discovery.MetaPollURL: "http://" + id + ".test/poll"},
	}
	if err := r.Register(ctx, inst, h.URL+"/healthz"); err != nil {
		t.Fatalf("Register(%s): %v\n%s", id, err, a.LogTail())
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r.Deregister(ctx); err != nil {
			t.Errorf("Deregister(%s) at cleanup: %v", id, err)
		}
	})
	return r
}

// resolve follows the channel service, closed at cleanup.
func resolve(t *testing.T, a *consultest.Agent) *consul.Resolver {
	t.Helper()
	r := consul.NewResolver(a.Client(), "channel", testLog(t), fast...)
	t.Cleanup(func() { r.Close() })
	return r
}

// ids lists a view's instance IDs in order.
func ids(v *discovery.View) []string {
	var out []string
	for _, in := range v.Instances() {
		out = append(out, in.ID)
	}
	return out
}

// waitIDs waits, on the views' Stale channels, until r's view lists exactly want.
func waitIDs(t *testing.T, a *consultest.Agent, r *consul.Resolver, want ...string) *discovery.View {
	t.Helper()
	timeout := time.NewTimer(deadline)
	defer timeout.Stop()
	for {
		v := r.View()
		if slices.Equal(ids(v), want) {
			return v
		}
		select {
		case <-v.Stale():
		case <-timeout.C:
			t.Fatalf("after %s the view lists %v; want %v (resolver error: %v)\n%s",
				deadline, ids(v), want, r.Err(), a.LogTail())
		}
	}
}

// eventually polls cond until it returns nil or the deadline passes.
func eventually(t *testing.T, a *consultest.Agent, what string, cond func() error) {
	t.Helper()
	timeout := time.NewTimer(deadline)
	defer timeout.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		select {
		case <-tick.C:
		case <-timeout.C:
			t.Fatalf("after %s, still not %s: %v\n%s", deadline, what, err, a.LogTail())
		}
	}
}

// closed reports whether ch is closed, without blocking.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

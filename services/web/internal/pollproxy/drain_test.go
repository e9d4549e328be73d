package pollproxy

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestDrain(t *testing.T) {
	a := newUpstream(t, "a")
	h := newHarness(t, a.inst())
	type result struct {
		status int
		body   string
	}
	done := make(chan result, 2)
	for u := int64(1); u <= 2; u++ {
		go func() {
			s, body, _ := h.poll(context.Background(), "", "Bearer "+h.token(u))
			done <- result{s, body}
		}()
	}
	recv(t, a.arrived)
	recv(t, a.arrived)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.proxy.Drain(ctx, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		r := recv(t, done)
		if r.status != 503 || !strings.Contains(r.body, "draining") {
			t.Fatalf("parked poll on drain: %d %s; want 503 draining", r.status, r.body)
		}
	}
	if s, _, _ := h.poll(context.Background(), "", "Bearer "+h.token(3)); s != 503 {
		t.Fatalf("new poll while draining: %d; want 503", s)
	}
	if got := gauge(h.proxy.inFlight); got != 0 {
		t.Fatalf("in flight after drain = %v", got)
	}
}

func TestDrainIdle(t *testing.T) {
	h := newHarness(t)
	if err := h.proxy.Drain(context.Background(), time.Hour); err != nil {
		t.Fatalf("draining with nothing in flight must return at once: %v", err)
	}
}

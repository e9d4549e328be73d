package stacktest

import (
	"context"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/internal/browserapi"
	"github.com/thriftchat/thriftchat/services/internal/consultest"
)

// TestConsulRegistration starts every binary against a real Consul agent:
// each registers with a passing health check, the system chats through
// Consul discovery, and each instance is deregistered when it stops.
func TestConsulRegistration(t *testing.T) {
	agent := consultest.Start(t)
	s := Start(t, Options{Dev: true, Consul: agent.Addr()})
	health := agent.Client().Health()
	passing := func(service string) int {
		entries, _, err := health.Service(service, "", true, nil)
		if err != nil {
			return -1
		}
		return len(entries)
	}
	for _, svc := range []string{"channel", "presence", "chatlog", "web"} {
		waitUntil(t, 30*time.Second, svc+" registered and passing", func() bool { return passing(svc) == 1 })
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alice, bob := login(t, ctx, s.WebURL, 1), login(t, ctx, s.WebURL, 2)
	sent, err := alice.Send(ctx, 2, "through consul", "consul-1")
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	waitUntil(t, 30*time.Second, "bob receives the message", func() bool {
		_, msgs, _ := bob.Poll(ctx)
		for _, m := range msgs {
			if m.ID == sent.ID {
				return true
			}
		}
		return false
	})

	for _, p := range s.All() {
		p.Stop()
		svc := serviceOf(p.Name)
		waitUntil(t, 10*time.Second, svc+" deregistered on stop", func() bool {
			entries, _, err := health.Service(svc, "", false, nil)
			return err == nil && len(entries) == 0
		})
	}
}

func login(t *testing.T, ctx context.Context, web string, user int64) *browserapi.Client {
	t.Helper()
	c, err := browserapi.New(web)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DemoLogin(ctx, user); err != nil {
		t.Fatalf("login %d: %v", user, err)
	}
	return c
}

func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", d, what)
		}
		time.Sleep(50 * time.Millisecond) // polling a condition
	}
}

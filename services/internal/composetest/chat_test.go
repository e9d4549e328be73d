package composetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/internal/browserapi"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// receiver long-polls in the background and collects message ids.
type receiver struct {
	got  chan browserapi.Message
	done chan struct{}
}

func receive(ctx context.Context, c *browserapi.Client) *receiver {
	r := &receiver{got: make(chan browserapi.Message, 1024), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for ctx.Err() == nil {
			_, msgs, err := c.Poll(ctx)
			if err != nil {
				// The owner went away mid-poll: boot again to find the new
				// one, filling the gap from history as the UI does.
				time.Sleep(200 * time.Millisecond) // back off between failed polls
				if msgs, err = c.Resync(ctx); err != nil {
					continue
				}
			}
			for _, m := range msgs {
				r.got <- m
			}
		}
	}()
	return r
}

func (r *receiver) await(t *testing.T, id string, d time.Duration) {
	t.Helper()
	timeout := time.After(d)
	for {
		select {
		case m := <-r.got:
			if m.ID == id {
				return
			}
		case <-timeout:
			t.Fatalf("message %s not received within %v", id, d)
		}
	}
}

// send sends, waiting out the rate limit when the server asks to; a retry
// reuses the client message id, so it never stores a copy.
func send(t *testing.T, ctx context.Context, c *browserapi.Client, to int64, text, id string) browserapi.Message {
	t.Helper()
	for {
		m, err := c.Send(ctx, to, text, id)
		var he *browserapi.Error
		if errors.As(err, &he) && he.Status == 429 {
			time.Sleep(time.Second) // the server's rate limit asks us to wait
			continue
		}
		if err != nil {
			t.Fatalf("send %q: %v", text, err)
		}
		return m
	}
}

func TestComposeChatSurvivesChannelLoss(t *testing.T) {
	if os.Getenv("THRIFTCHAT_COMPOSE_TEST") != "1" {
		t.Skip("needs Docker and the images: run `make compose-test`")
	}
	if _, err := exec.LookPath("docker"); err != nil {
		t.Fatal("docker is not installed")
	}
	s := up(t)
	eventually(t, 120*time.Second, "3 channel, 2 presence, 1 chatlog and 1 web instance healthy in Consul", func() bool {
		return len(s.passing("channel")) == 3 && len(s.passing("presence")) == 2 &&
			len(s.passing("chatlog")) == 1 && len(s.passing("web")) == 1
	})
	eventually(t, 60*time.Second, "every container healthy by its own health check", s.allHealthy)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	alice, bob := login(t, ctx, s.web, 1), login(t, ctx, s.web, 2)
	inbox := receive(ctx, bob)
	defer func() { cancel(); <-inbox.done }()

	m, err := alice.Send(ctx, 2, "hello through compose", "compose-1")
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	inbox.await(t, m.ID, 30*time.Second)
	if _, err := bob.Send(ctx, 1, "hello back", "compose-2"); err != nil {
		t.Fatalf("reply: %v", err)
	}

	// Stop the channel container that owns bob, while alice keeps sending.
	view := discovery.NewView(s.passing("channel"))
	owner, _ := view.Owner(discovery.HashUser(2))
	host, _, _ := net.SplitHostPort(owner.Addr)
	victim := s.containerWithIP("channel", host)
	t.Logf("stopping bob's channel owner %s (%s)", owner.ID, victim)
	if out, err := exec.Command("docker", "kill", victim).CombinedOutput(); err != nil {
		t.Fatalf("docker kill: %v\n%s", err, out)
	}
	var acked []string
	for i := range 10 {
		m := send(t, ctx, alice, 2, fmt.Sprintf("after the loss %d", i), fmt.Sprintf("compose-after-%d", i))
		acked = append(acked, m.ID)
	}
	eventually(t, 60*time.Second, "the lost channel leaves Consul's healthy view", func() bool {
		return len(s.passing("channel")) == 2
	})
	// Bob's new owner answers reset; every acknowledged message is in history.
	eventually(t, 60*time.Second, "every acknowledged message in bob's history", func() bool {
		hist, err := bob.History(ctx, 1, 100)
		if err != nil {
			return false
		}
		have := map[string]bool{}
		for _, h := range hist {
			have[h.ID] = true
		}
		for _, id := range acked {
			if !have[id] {
				return false
			}
		}
		return true
	})
	// And live delivery resumes on the new owner.
	m, err = alice.Send(ctx, 2, "still here", "compose-final")
	if err != nil {
		t.Fatal(err)
	}
	inbox.await(t, m.ID, 60*time.Second)
}

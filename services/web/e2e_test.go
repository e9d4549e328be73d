package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	webt "github.com/thriftchat/thriftchat/gen-go/web"
	"github.com/thriftchat/thriftchat/services/internal/browserapi"
	"github.com/thriftchat/thriftchat/services/internal/stacktest"
)

// TestEndToEnd runs the four real binaries (two channel instances, so the
// poll proxy has owners to choose between) and drives the web tier as a
// browser and as a host application would.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the whole system")
	}
	s := stacktest.Start(t, stacktest.Options{Dev: true, Channels: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	users := map[int64]*browserapi.Client{}
	for _, id := range []int64{1, 2, 3, 4, 5, 6} {
		c, err := browserapi.New(s.WebURL)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.DemoLogin(ctx, id); err != nil {
			t.Fatalf("login %d: %v", id, err)
		}
		// Epoch 0 is a fresh client: the owner answers reset at once, which
		// proves the proxy reached the owner of every user.
		c.Boot.Epoch = 0
		a, _, err := c.Poll(ctx)
		if err != nil || a.Type != "reset" || a.Epoch == 0 {
			t.Fatalf("user %d's first poll through the proxy: %+v, %v", id, a, err)
		}
		users[id] = c
	}
	alice, bob := users[1], users[2]

	t.Run("send reaches the recipient and the sender's tabs", func(t *testing.T) {
		bobGot, aliceGot := pollFor(ctx, bob, "e2e-1"), pollFor(ctx, alice, "e2e-1")
		m, err := alice.Send(ctx, 2, `<script>alert("hi")</script> & more`, "e2e-1")
		if err != nil {
			t.Fatal(err)
		}
		for name, ch := range map[string]<-chan pollResult{"bob": bobGot, "alice's other tab": aliceGot} {
			if r := <-ch; r.err != nil || r.msg != m {
				t.Fatalf("%s polled %+v, %v; want %+v", name, r.msg, r.err, m)
			}
		}
		again, err := alice.Send(ctx, 2, `<script>alert("hi")</script> & more`, "e2e-1")
		if err != nil || again != m {
			t.Fatalf("retry with the same clientMsgId: %+v, %v; want the stored %+v", again, err, m)
		}
		hist, err := bob.History(ctx, 1, 50)
		if err != nil || len(hist) != 1 || hist[0].Text != m.Text {
			t.Fatalf("bob's history %+v, %v; want exactly the one message, text intact", hist, err)
		}
	})

	t.Run("bad input stores nothing", func(t *testing.T) {
		for name, body := range map[string]string{
			"invalid UTF-8": "{\"to\":2,\"text\":\"caf\xc3\",\"clientMsgId\":\"bad-1\"}",
			"oversize":      `{"to":2,"text":"` + strings.Repeat("x", 4001) + `","clientMsgId":"bad-2"}`,
			"NUL":           `{"to":2,"text":"a\u0000b","clientMsgId":"bad-3"}`,
		} {
			if status := rawSend(t, s.WebURL, alice, body, alice.Boot.CSRF); status != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400", name, status)
			}
		}
		if status := rawSend(t, s.WebURL, alice, `{"to":2,"text":"x","clientMsgId":"bad-4"}`, ""); status != http.StatusForbidden {
			t.Errorf("no CSRF token: status %d, want 403", status)
		}
		hist, err := alice.History(ctx, 2, 50)
		if err != nil || len(hist) != 1 {
			t.Fatalf("history after bad sends: %d messages (%v); want only the good one", len(hist), err)
		}
	})

	t.Run("host application over Thrift", func(t *testing.T) {
		var sess *webt.Session
		thriftCall(t, s.WebThrift, func(ctx context.Context, c *webt.WebServiceClient) (err error) {
			if err = c.PutUser(ctx, &webt.User{ID: 100, Name: "host user"}); err != nil {
				return err
			}
			if err = c.SetFriends(ctx, 100, []commont.UserId{1}); err != nil {
				return err
			}
			sess, err = c.OpenSession(ctx, 100, 600)
			return err
		})
		host, _ := browserapi.New(s.WebURL)
		if err := host.TokenLogin(ctx, sess.Token); err != nil || host.Boot.User.Name != "host user" {
			t.Fatalf("token login: %v, boot %+v", err, host.Boot)
		}
		aliceGot := pollFor(ctx, alice, "php-1")
		var sent *commont.Message
		thriftCall(t, s.WebThrift, func(ctx context.Context, c *webt.WebServiceClient) (err error) {
			sent, err = c.Send(ctx, 100, 1, "from PHP", "php-1")
			return err
		})
		if r := <-aliceGot; r.err != nil || r.msg.ID != sent.ID || r.msg.Text != "from PHP" {
			t.Fatalf("alice polled %+v, %v; want the host's message %s", r.msg, r.err, sent.ID)
		}
		var nf *webt.NotFriends
		pool := thriftPool(t, s.WebThrift)
		if err := pool.Call(ctx, func(ctx context.Context, c *webt.WebServiceClient) error {
			_, err := c.Send(ctx, 100, 2, "not a friend", "php-2")
			return err
		}); !errors.As(err, &nf) {
			t.Fatalf("send to a non-friend over Thrift: %v, want NotFriends", err)
		}
	})

	t.Run("buddies see each other online", func(t *testing.T) {
		// Keep a poll parked for bob so he stays connected; it ends with ctx.
		pctx, stop := context.WithCancel(ctx)
		parked := make(chan struct{})
		go func() { bob.Poll(pctx); close(parked) }()
		defer func() { stop(); <-parked }()
		waitFor(t, "alice sees bob active", func() bool {
			buddies, _ := alice.Buddies(ctx)
			for _, b := range buddies {
				if b.ID == 2 && b.State == "active" {
					return true
				}
			}
			return false
		})
	})
}

type pollResult struct {
	msg browserapi.Message
	err error
}

// pollFor polls in the background until the message with clientMsgID
// arrives. Other payloads may come first (a retry's duplicate push, a read
// mark): browsers drop duplicates by message id, and so does this.
func pollFor(ctx context.Context, c *browserapi.Client, clientMsgID string) <-chan pollResult {
	out := make(chan pollResult, 1)
	go func() {
		for {
			_, msgs, err := c.Poll(ctx)
			if err != nil {
				out <- pollResult{err: err}
				return
			}
			for _, m := range msgs {
				if m.ClientMsgID == clientMsgID {
					out <- pollResult{msg: m}
					return
				}
			}
		}
	}()
	return out
}

// rawSend posts body as c's session (cookie from its jar), with csrf.
func rawSend(t *testing.T, web string, c *browserapi.Client, body, csrf string) int {
	req, _ := http.NewRequest("POST", web+"/api/send", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	req.Header.Set("Authorization", "") // the cookie, as a browser sends it
	req.AddCookie(&http.Cookie{Name: "tc_session", Value: c.Boot.Token})
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct{ Error string }
	if json.NewDecoder(resp.Body).Decode(&e) != nil || (resp.StatusCode >= 400 && e.Error == "") {
		t.Errorf("status %d without a JSON error", resp.StatusCode)
	}
	return resp.StatusCode
}

// BenchmarkSendStack is a browser's send through the real system: web
// (HTTP, CSRF, friend check) → chatlog append → channel deliver to both
// users. Senders run in parallel, each as its own demo user; the rate limit
// is off (the processes take THRIFTCHAT_SEND_RATE from the environment).
func BenchmarkSendStack(b *testing.B) {
	b.Setenv("THRIFTCHAT_SEND_RATE", "0") // measure the path, not the rate limit
	s := stacktest.Start(b, stacktest.Options{Dev: true})
	ctx := context.Background()
	var next atomic.Int64
	b.ResetTimer()
	b.SetParallelism(3) // 6 senders on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		me := next.Add(1)%6 + 1
		c, err := browserapi.New(s.WebURL)
		if err != nil {
			b.Error(err)
			return
		}
		if err := c.DemoLogin(ctx, me); err != nil {
			b.Error(err)
			return
		}
		to := me%6 + 1
		for i := 0; pb.Next(); i++ {
			if _, err := c.Send(ctx, to, "benchmark message", fmt.Sprint("b", me, "-", i, "-", b.N)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

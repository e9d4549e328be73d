package thriftapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	webt "github.com/thriftchat/thriftchat/gen-go/web"
	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
	"github.com/thriftchat/thriftchat/services/web/internal/chat"
	"github.com/thriftchat/thriftchat/services/web/internal/chattest"
	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serve runs the handler on a real Thrift server and returns a pooled client.
func serve(t *testing.T, mutate func(*chat.Config)) (*chattest.Env, func(func(context.Context, *webt.WebServiceClient) error) error) {
	env := chattest.NewEnv(t, mutate)
	srv, err := rpc.Listen("127.0.0.1:0", New(env.Service, zerolog.Nop()).Processor(), rpc.ServerOptions{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	pool := rpc.NewPool(srv.Addr().String(), webt.NewWebServiceClient)
	t.Cleanup(func() {
		pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		if err := <-served; err != nil {
			t.Error(err)
		}
	})
	return env, func(fn func(context.Context, *webt.WebServiceClient) error) error {
		return pool.Call(context.Background(), fn)
	}
}

func TestUsersAndFriends(t *testing.T) {
	_, call := serve(t, nil)
	must(t, call(func(ctx context.Context, c *webt.WebServiceClient) error {
		return c.PutUser(ctx, &webt.User{ID: 10, Name: "zed"})
	}))
	must(t, call(func(ctx context.Context, c *webt.WebServiceClient) error { return c.AddFriend(ctx, 10, 1) }))
	must(t, call(func(ctx context.Context, c *webt.WebServiceClient) error {
		return c.SetFriends(ctx, 10, []commont.UserId{2, 3, 2})
	}))
	must(t, call(func(ctx context.Context, c *webt.WebServiceClient) error { return c.RemoveFriend(ctx, 10, 3) }))
	var friends []commont.UserId
	must(t, call(func(ctx context.Context, c *webt.WebServiceClient) (err error) {
		friends, err = c.Friends(ctx, 10)
		return err
	}))
	if len(friends) != 1 || friends[0] != 2 {
		t.Fatalf("friends %v, want [2]", friends)
	}

	var inv *commont.InvalidInput
	var nf *commont.NotFound
	for name, tc := range map[string]struct {
		fn   func(context.Context, *webt.WebServiceClient) error
		want any
	}{
		"nil user":   {func(ctx context.Context, c *webt.WebServiceClient) error { return c.PutUser(ctx, nil) }, &inv},
		"empty name": {func(ctx context.Context, c *webt.WebServiceClient) error { return c.PutUser(ctx, &webt.User{ID: 11}) }, &inv},
		"name not UTF-8": {func(ctx context.Context, c *webt.WebServiceClient) error {
			return c.PutUser(ctx, &webt.User{ID: 11, Name: "\xff"})
		}, &inv},
		"self friend":    {func(ctx context.Context, c *webt.WebServiceClient) error { return c.AddFriend(ctx, 1, 1) }, &inv},
		"unknown friend": {func(ctx context.Context, c *webt.WebServiceClient) error { return c.AddFriend(ctx, 1, 404) }, &nf},
		"set unknown": {func(ctx context.Context, c *webt.WebServiceClient) error {
			return c.SetFriends(ctx, 1, []commont.UserId{404})
		}, &nf},
		"set 5001": {func(ctx context.Context, c *webt.WebServiceClient) error {
			return c.SetFriends(ctx, 1, make([]commont.UserId, 5001))
		}, &inv},
		"friends of zero": {func(ctx context.Context, c *webt.WebServiceClient) error { _, err := c.Friends(ctx, 0); return err }, &inv},
	} {
		err := call(tc.fn)
		if !errors.As(err, tc.want) {
			t.Errorf("%s: %v (%T), want %T", name, err, err, tc.want)
		}
	}
}

func TestOpenSession(t *testing.T) {
	env, call := serve(t, nil)
	var s *webt.Session
	must(t, call(func(ctx context.Context, c *webt.WebServiceClient) (err error) {
		s, err = c.OpenSession(ctx, 3, 3600)
		return err
	}))
	if s.User != 3 || s.ChatUrl != "http://chat.example/#token="+s.Token || s.PollUrl != "http://chat.example/poll" ||
		s.ExpiresAtMs != env.Clock.Now().Add(time.Hour).UnixMilli() {
		t.Fatalf("session %+v", s)
	}
	if got, err := env.Sessions.Verify(s.Token); err != nil || got.User != 3 {
		t.Fatalf("token: %v", err)
	}
	var inv *commont.InvalidInput
	err := call(func(ctx context.Context, c *webt.WebServiceClient) error {
		_, err := c.OpenSession(ctx, 3, 8*24*3600)
		return err
	})
	if !errors.As(err, &inv) || inv.Field != "ttlSeconds" {
		t.Fatalf("8 days: %v", err)
	}
	var nf *commont.NotFound
	if err := call(func(ctx context.Context, c *webt.WebServiceClient) error {
		_, err := c.OpenSession(ctx, 404, 0)
		return err
	}); !errors.As(err, &nf) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestSend(t *testing.T) {
	env, call := serve(t, func(c *chat.Config) { c.SendBurst = 3 })
	send := func(from, to int64, text, id string) (*commont.Message, error) {
		var m *commont.Message
		err := call(func(ctx context.Context, c *webt.WebServiceClient) (err error) {
			m, err = c.Send(ctx, commont.UserId(from), commont.UserId(to), text, id)
			return err
		})
		return m, err
	}
	m, err := send(1, 2, "<b>hi</b>", "c1")
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "<b>hi</b>" || m.Seq != 1 || m.Conversation != "d:1:2" || m.Sender != 1 || m.SentAtMs != env.Clock.Now().UnixMilli() {
		t.Fatalf("sent %+v", m)
	}
	if len(env.Channel.Payloads(2)) != 1 {
		t.Fatal("not delivered")
	}
	again, err := send(1, 2, "<b>hi</b>", "c1")
	if err != nil || again.ID != m.ID {
		t.Fatalf("idempotent retry: %+v, %v", again, err)
	}

	env.Service.PutUser(t.Context(), store.User{ID: 7, Name: "x"})
	var nf *webt.NotFriends
	if _, err := send(1, 7, "hi", "c2"); !errors.As(err, &nf) {
		t.Fatalf("non-friend: %v", err)
	}
	var inv *commont.InvalidInput
	for name, text := range map[string]string{"invalid UTF-8": "caf\xc3", "oversize": strings.Repeat("x", 4001), "NUL": "\x00"} {
		if _, err := send(1, 2, text, "c3"); !errors.As(err, &inv) || inv.Field != "text" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(env.Chatlog.Stored()); n != 1 {
		t.Fatalf("stored %d messages, want 1", n)
	}
	var rl *webt.RateLimited
	send(1, 2, "b", "c4")
	if _, err := send(1, 2, "c", "c5"); !errors.As(err, &rl) || rl.RetryAfterMs != 200 {
		t.Fatalf("rate limit: %v", err)
	}
	env.Chatlog.Fail(chatlogclient.ErrUnavailable)
	var un *commont.Unavailable
	if _, err := send(3, 2, "d", "c6"); !errors.As(err, &un) {
		t.Fatalf("chatlog down: %v", err)
	}
}

func TestReads(t *testing.T) {
	env, call := serve(t, nil)
	env.Presence.Set(2, presenceclient.Active, env.Clock.Now().UnixMicro()+1)
	if _, err := env.Service.Send(t.Context(), 2, 1, "yo", "c1"); err != nil {
		t.Fatal(err)
	}
	var bl *webt.BuddyList
	must(t, call(func(ctx context.Context, c *webt.WebServiceClient) (err error) {
		bl, err = c.BuddyList(ctx, 1, 0)
		return err
	}))
	if !bl.Full || len(bl.Buddies) != 5 || bl.Buddies[0].User.Name != "bob" || bl.Buddies[0].State != presencet.State_ACTIVE {
		t.Fatalf("buddy list %+v", bl)
	}
	env.Presence.Down(3)
	var ps []*presencet.Presence
	must(t, call(func(ctx context.Context, c *webt.WebServiceClient) (err error) {
		ps, err = c.Presence(ctx, []commont.UserId{2, 3})
		return err
	}))
	if len(ps) != 2 || ps[0].State != presencet.State_ACTIVE || ps[1].State != presencet.State_OFFLINE {
		t.Fatalf("presence %+v; want active, and offline for the unknown", ps)
	}
	must(t, call(func(ctx context.Context, c *webt.WebServiceClient) error {
		page, err := c.History(ctx, 1, 2, 0, -1, 10)
		if err == nil && (len(page.Messages) != 1 || page.Messages[0].Text != "yo") {
			t.Errorf("history %+v", page)
		}
		return err
	}))
	must(t, call(func(ctx context.Context, c *webt.WebServiceClient) error {
		rs, err := c.Recent(ctx, 1, 10)
		if err == nil && (len(rs) != 1 || rs[0].Peer != 2 || rs[0].Unread != 1 || rs[0].Last.Text != "yo") {
			t.Errorf("recent %+v", rs)
		}
		return err
	}))
	var inv *commont.InvalidInput
	if err := call(func(ctx context.Context, c *webt.WebServiceClient) error { _, err := c.Recent(ctx, 1, 101); return err }); !errors.As(err, &inv) {
		t.Fatalf("recent limit 101: %v", err)
	}
	env.Chatlog.Fail(errors.New("down"))
	var un *commont.Unavailable
	if err := call(func(ctx context.Context, c *webt.WebServiceClient) error {
		_, err := c.History(ctx, 1, 2, 0, -1, 10)
		return err
	}); !errors.As(err, &un) {
		t.Fatalf("history with chatlog down: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

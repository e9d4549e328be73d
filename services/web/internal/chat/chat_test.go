package chat_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
	"github.com/thriftchat/thriftchat/services/web/internal/chat"
	"github.com/thriftchat/thriftchat/services/web/internal/chattest"
	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

func TestTyping(t *testing.T) {
	e := chattest.NewEnv(t, func(c *chat.Config) { c.SignalRate, c.SignalBurst = 1, 2 })
	if err := e.Service.Typing(ctx, 1, 2, true); err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"typing","from":1,"to":2,"typing":true}`
	if got := e.Channel.Payloads(2); len(got) != 1 || string(got[0]) != want {
		t.Fatalf("recipient got %q, want [%s]", got, want)
	}
	if len(e.Channel.Payloads(1)) != 0 {
		t.Fatal("typing goes to the recipient only")
	}
	e.Service.PutUser(ctx, store.User{ID: 7, Name: "mallory"})
	if err := e.Service.Typing(ctx, 7, 2, true); !errors.Is(err, chat.ErrNotFriends) {
		t.Fatalf("typing to a non-friend: %v", err)
	}
	if err := e.Service.Typing(ctx, 1, 2, false); err != nil {
		t.Fatal(err)
	}
	var rl *chat.RateLimitError
	if err := e.Service.Typing(ctx, 1, 2, true); !errors.As(err, &rl) {
		t.Fatalf("third signal in a burst of 2: %v, want RateLimitError", err)
	}
}

func TestMarkRead(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	if err := e.Service.MarkRead(ctx, 2, 1, 7); err != nil {
		t.Fatal(err)
	}
	if got := e.Chatlog.ReadMark(2, "d:1:2"); got != 7 {
		t.Fatalf("read mark %d, want 7", got)
	}
	want := `{"kind":"read","user":2,"conversation":"d:1:2","seq":7}`
	if got := e.Channel.Payloads(2); len(got) != 1 || string(got[0]) != want {
		t.Fatalf("own tabs got %q, want [%s]", got, want)
	}
	if len(e.Channel.Payloads(1)) != 0 {
		t.Fatal("the peer must not get the reader's read mark")
	}
	var inv *chat.InvalidError
	for _, bad := range [][3]int64{{2, 2, 1}, {2, 0, 1}, {2, 1, -1}} {
		if err := e.Service.MarkRead(ctx, bad[0], bad[1], bad[2]); !errors.As(err, &inv) {
			t.Fatalf("MarkRead%v: %v, want InvalidError", bad, err)
		}
	}
}

func TestOpenSession(t *testing.T) {
	direct := map[int64]string{1: "https://ch1.example/"}
	e := chattest.NewEnv(t, func(c *chat.Config) {
		c.DirectPollURL = func(u int64) string { return direct[u] }
	})
	s, err := e.Service.OpenSession(ctx, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.User != 1 || s.PollURL != "https://ch1.example/poll" || s.ChatURL != "http://chat.example/#token="+s.Token {
		t.Fatalf("session %+v", s)
	}
	if !s.ExpiresAt.Equal(e.Clock.Now().Add(12 * time.Hour)) {
		t.Fatalf("expires %v, want 12h from now", s.ExpiresAt)
	}
	if v, err := e.Sessions.Verify(s.Token); err != nil || v.User != 1 {
		t.Fatalf("token does not verify: %v", err)
	}
	s2, _ := e.Service.OpenSession(ctx, 2, time.Hour)
	if s2.PollURL != "http://chat.example/poll" {
		t.Fatalf("owner without a poll URL: %q, want the proxy", s2.PollURL)
	}
	if _, err := e.Service.OpenSession(ctx, 99, 0); !errors.Is(err, chat.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	var inv *chat.InvalidError
	if _, err := e.Service.OpenSession(ctx, 1, 8*24*time.Hour); !errors.As(err, &inv) {
		t.Fatalf("8 days: %v, want InvalidError", err)
	}
}

func TestUsersAndFriends(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	var inv *chat.InvalidError
	for name, err := range map[string]error{
		"zero id":          e.Service.PutUser(ctx, store.User{ID: 0, Name: "x"}),
		"empty name":       e.Service.PutUser(ctx, store.User{ID: 8, Name: ""}),
		"long name":        e.Service.PutUser(ctx, store.User{ID: 8, Name: strings.Repeat("n", 65)}),
		"newline in name":  e.Service.PutUser(ctx, store.User{ID: 8, Name: "a\nb"}),
		"befriend oneself": e.Service.AddFriend(ctx, 1, 1),
		"set too many":     e.Service.SetFriends(ctx, 1, make([]int64, 5001)),
	} {
		if !errors.As(err, &inv) {
			t.Errorf("%s: %v, want InvalidError", name, err)
		}
	}
	if err := e.Service.AddFriend(ctx, 1, 99); !errors.Is(err, chat.ErrNotFound) {
		t.Fatalf("befriend an unknown user: %v", err)
	}
	if err := e.Service.SetFriends(ctx, 1, []int64{2, 3}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Service.Friends(ctx, 1); len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Fatalf("friends %v, want [2 3]", got)
	}
	if u, _ := e.Service.User(ctx, 42); u.Name != "User 42" {
		t.Fatalf("unknown user's stand-in name %q", u.Name)
	}
}

func TestHistory(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	for i := range 5 {
		e.Clock.Add(time.Second)
		if _, err := e.Service.Send(ctx, 1+int64(i%2), 2-int64(i%2), "m", string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
	}
	page, err := e.Service.History(ctx, 2, 1, 0, -1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 2 || page.Messages[0].Seq != 4 || !page.MoreBefore || page.MoreAfter {
		t.Fatalf("newest page: %+v", page)
	}
	var inv *chat.InvalidError
	for name, args := range map[string][4]int64{
		"self": {1, 1, 0, -1}, "no peer": {1, 0, 0, -1}, "negative before": {1, 2, -1, -1}, "after < -1": {1, 2, 0, -2},
	} {
		if _, err := e.Service.History(ctx, args[0], args[1], args[2], args[3], 10); !errors.As(err, &inv) {
			t.Errorf("%s: %v, want InvalidError", name, err)
		}
	}
	for _, limit := range []int{-1, 201} {
		if _, err := e.Service.History(ctx, 1, 2, 0, -1, limit); !errors.As(err, &inv) || inv.Field != "limit" {
			t.Errorf("limit %d: %v, want InvalidError on limit", limit, err)
		}
	}
	msgs, more, err := e.Service.Since(ctx, 1, e.Clock.Now().Add(-2500*time.Millisecond), 1)
	if err != nil || len(msgs) != 1 || msgs[0].Seq != 3 || !more {
		t.Fatalf("since: %v more=%v err=%v; want seq 3 (the oldest after) and more", msgs, more, err)
	}
	recent, err := e.Service.Recent(ctx, 1, 0)
	if err != nil || len(recent) != 1 || recent[0].PeerName != "bob" || recent[0].Unread != 2 {
		t.Fatalf("recent: %+v, %v", recent, err)
	}
	e.Chatlog.Fail(chatlogclient.ErrUnavailable)
	if _, err := e.Service.History(ctx, 1, 2, 0, -1, 10); !errors.Is(err, chat.ErrUnavailable) {
		t.Fatalf("chatlog down: %v, want ErrUnavailable", err)
	}
}

func TestBootDegrades(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	if _, err := e.Service.Send(ctx, 2, 1, "hi", "c1"); err != nil {
		t.Fatal(err)
	}
	b, err := e.Service.Boot(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if b.User.Name != "alice" || b.Epoch != chattest.Epoch || b.Seq != 1 || b.PollURL != "/poll" ||
		len(b.Recent) != 1 || !b.Buddies.Full || len(b.Buddies.Buddies) != 5 {
		t.Fatalf("boot %+v", b)
	}
	e.Channel.Fail(errors.New("down"))
	e.Chatlog.Fail(errors.New("down"))
	b, err = e.Service.Boot(ctx, 1)
	if err != nil {
		t.Fatalf("boot must degrade, not fail: %v", err)
	}
	if b.Epoch != 0 || b.Seq != 0 || len(b.Recent) != 0 || b.Recent == nil || len(b.Buddies.Buddies) != 5 {
		t.Fatalf("degraded boot %+v", b)
	}
}

func TestPresence(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	e.Presence.Set(3, presenceclient.Active, 5)
	got, err := e.Service.Presence(ctx, []int64{3, 4})
	if err != nil || len(got) != 2 || got[0].State != presenceclient.Active || got[1].State != presenceclient.Offline {
		t.Fatalf("presence %v, %v", got, err)
	}
	var inv *chat.InvalidError
	if _, err := e.Service.Presence(ctx, make([]int64, 1001)); !errors.As(err, &inv) {
		t.Fatalf("1001 users: %v", err)
	}
	if _, err := e.Service.Presence(ctx, []int64{1, -1}); !errors.As(err, &inv) {
		t.Fatalf("negative id: %v", err)
	}
}

func TestPollEndpoint(t *testing.T) {
	for base, want := range map[string]string{
		"https://ch1.example":         "https://ch1.example/poll",
		"https://ch1.example/":        "https://ch1.example/poll",
		"https://lb.example/ch-3":     "https://lb.example/ch-3/poll",
		"https://ch1.example/poll":    "https://ch1.example/poll",
		"http://127.0.0.1:8101/poll/": "http://127.0.0.1:8101/poll/poll",
	} {
		if got := chat.PollEndpoint(base); got != want {
			t.Errorf("PollEndpoint(%q) = %q, want %q", base, got, want)
		}
	}
}

package chattest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/web/internal/chat"
	"github.com/thriftchat/thriftchat/services/web/internal/session"
	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

// Secret is the token secret of every test Env.
const Secret = "chattest-secret-0123456789abcdef"

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Env is a chat.Service over fakes, with the demo users seeded.
type Env struct {
	Clock    *Clock
	Store    *store.Memory
	Chatlog  *Chatlog
	Presence *Presence
	Channel  *Channel
	Sessions *session.Manager
	Service  *chat.Service
}

// NewEnv builds an Env; mutate, if non-nil, adjusts the config first.
func NewEnv(t testing.TB, mutate func(*chat.Config)) *Env {
	t.Helper()
	clock := NewClock(time.Unix(1_700_000_000, 0))
	e := &Env{
		Clock: clock, Store: store.NewMemory(clock.Now), Chatlog: NewChatlog(clock.Now),
		Presence: NewPresence(), Channel: NewChannel(),
	}
	var err error
	if e.Sessions, err = session.NewManager([]byte(Secret), clock.Now); err != nil {
		t.Fatal(err)
	}
	cfg := chat.Config{
		PublicURL: "http://chat.example", SendRate: 5, SendBurst: 20, SignalRate: 10, SignalBurst: 40, Now: clock.Now,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	e.Service = chat.New(cfg, chat.Deps{
		Store: e.Store, Sessions: e.Sessions, Chatlog: e.Chatlog, Presence: e.Presence, Channel: e.Channel,
		Log: zerolog.Nop(),
	})
	if err := e.Service.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e
}

package presenceclient_test

import (
	"net"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/presence/internal/shardtest"
	pc "github.com/thriftchat/thriftchat/services/presence/presenceclient"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const interval = 5 * time.Second

// shards starts n real shards and a static view of them.
func shards(t *testing.T, n int) ([]*shardtest.Shard, *discovery.Static) {
	t.Helper()
	out := make([]*shardtest.Shard, n)
	for i := range out {
		out[i] = shardtest.Start(t, shardtest.Config())
	}
	return out, discovery.NewStatic(shardtest.Instances(out...)...)
}

func newClient(t *testing.T, res discovery.Resolver, opts ...pc.Option) *pc.Client {
	c := pc.New(res, opts...)
	t.Cleanup(func() { c.Close() })
	return c
}

// userIDs returns 1..n.
func userIDs(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

// entries reports users; every third is idle an hour.
func entries(users []int64) []pc.Entry {
	out := make([]pc.Entry, len(users))
	for i, u := range users {
		out[i] = pc.Entry{User: u}
		if u%3 == 0 {
			out[i].Idle = time.Hour
		}
	}
	return out
}

func wantState(u int64) pc.State {
	if u%3 == 0 {
		return pc.Idle
	}
	return pc.Active
}

// ownerOf is the shard of v that owns user.
func ownerOf(v *discovery.View, user int64) string {
	in, _ := v.Owner(discovery.HashUser(user))
	return in.Addr
}

// hung is a TCP listener that accepts and never answers: a shard that is
// up but stuck.
func hung(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// fakeClock is a shard's injected wall clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func shardWithClock(t *testing.T, c *fakeClock) *shardtest.Shard {
	cfg := shardtest.Config()
	cfg.Now = c.Now
	return shardtest.Start(t, cfg)
}

// syncErrs counts shard errors reported from the client's goroutines.
type syncErrs struct {
	mu sync.Mutex
	n  int
}

func (s *syncErrs) add(string, error) { s.mu.Lock(); s.n++; s.mu.Unlock() }
func (s *syncErrs) count() int        { s.mu.Lock(); defer s.mu.Unlock(); return s.n }

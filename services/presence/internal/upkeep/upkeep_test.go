package upkeep

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/presence/internal/table"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newTable(t *testing.T, c *clock, maxOffline int) *table.Table {
	tab, err := table.New(table.Config{ExpireAfter: 3, IdleAfter: time.Minute, MaxOffline: maxOffline, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestSweeperPublishes(t *testing.T) {
	c := &clock{now: time.Unix(1_800_000_000, 0)}
	tab := newTable(t, c, 2)
	for u := int64(1); u <= 5; u++ {
		if _, err := tab.Report("chan-a", time.Second, []table.Entry{{User: u}}); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Second)
	}
	c.Advance(10 * time.Second)
	tab.Report("chan-a", time.Second, []table.Entry{{User: 9}})
	reg := prometheus.NewRegistry()
	s := NewSweeper(tab, time.Hour, zerolog.Nop(), reg)
	s.Sweep()
	want := map[string]float64{
		"presence_online_users": 1, "presence_offline_users": 1, "presence_offline_dropped_total": 4,
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		w, ok := want[mf.GetName()]
		if !ok {
			continue
		}
		delete(want, mf.GetName())
		m := mf.GetMetric()[0]
		if got := m.GetGauge().GetValue() + m.GetCounter().GetValue(); got != w {
			t.Errorf("%s = %v; want %v", mf.GetName(), got, w)
		}
	}
	if len(want) > 0 {
		t.Errorf("metrics not registered: %v", want)
	}
}

// TestRunStops: the loop ends when its context does, so the runtime can own it.
func TestRunStops(t *testing.T) {
	c := &clock{now: time.Unix(1_800_000_000, 0)}
	s := NewSweeper(newTable(t, c, 10), time.Millisecond, zerolog.Nop(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v; want nil on shutdown", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func TestFollowOwnersRebases(t *testing.T) {
	c := &clock{now: time.Unix(1_800_000_000, 0)}
	tab := newTable(t, c, 10)
	res := discovery.NewStatic(discovery.Instance{ID: "a", Addr: "127.0.0.1:1"})
	v, _ := tab.Changed([]int64{42}, 0, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	f := NewFollower(res, tab, zerolog.Nop())
	go func() { done <- f.Run(ctx) }()
	defer func() { cancel(); <-done }()

	c.Advance(time.Second)
	res.Set(discovery.Instance{ID: "a", Addr: "127.0.0.1:1"}, discovery.Instance{ID: "b", Addr: "127.0.0.1:2"})
	// The rebase happens on the follower's goroutine: wait for its effect.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, got := tab.Changed([]int64{42}, v, nil); len(got) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the view changed, but a poller since before it still hears nothing of user 42")
		}
		time.Sleep(time.Millisecond) // polling a condition with a deadline, not synchronizing
	}
}

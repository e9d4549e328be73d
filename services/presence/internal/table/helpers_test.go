package table

import (
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// t0 is a whole second, so second-grained times compare exactly.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fakeClock is the injected wall clock: time moves only when a test says so.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

// newClock starts a second before t0: newTable makes its table then and
// moves to t0, so the table's base version is earlier than anything a test
// does at t0.
func newClock() *fakeClock { return &fakeClock{now: t0.Add(-time.Second)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Rules the tests use unless they say otherwise: a 5 s interval lapses after
// 15 s; idle after 120 s.
const (
	interval  = 5 * time.Second
	idleAfter = 120 * time.Second
)

func newTable(t testing.TB, c *fakeClock, mod ...func(*Config)) *Table {
	t.Helper()
	cfg := Config{ExpireAfter: 3, IdleAfter: idleAfter, MaxOffline: 1000, Now: c.Now}
	for _, m := range mod {
		m(&cfg)
	}
	tab, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.Advance(time.Second)
	return tab
}

func report(t testing.TB, tab *Table, reporter string, entries ...Entry) {
	t.Helper()
	n, err := tab.Report(reporter, interval, entries)
	if err != nil || n != len(entries) {
		t.Fatalf("Report(%s, %d entries) = %d, %v", reporter, len(entries), n, err)
	}
}

func get(tab *Table, user int64) Presence { return tab.Get([]int64{user}, nil)[0] }

func us(t time.Time) int64 { return t.UnixMicro() }

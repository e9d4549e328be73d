package queue

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAppendWakesEveryParkedTab(t *testing.T) {
	m := newTestBox(testLimits())
	a, b := &waiter{}, &waiter{}
	for _, w := range []*waiter{a, b} {
		if ans, err := m.Poll(Cursor{Epoch: m.epoch}, w, t0); err != nil || ans.Kind != Parked {
			t.Fatalf("park: %+v, %v", ans, err)
		}
	}
	_, seq, wake, err := m.Append("x", t0)
	if err != nil || seq != 1 || len(wake) != 2 {
		t.Fatalf("append: seq %d, %d to wake, %v; want seq 1, 2 to wake", seq, len(wake), err)
	}
	for _, w := range wake {
		w.Wake()
	}
	// Both tabs, woken, collect the same payload: answering one does not
	// take it from the other.
	for i := range 2 {
		ans, err := m.Collect(Cursor{Epoch: m.epoch}, t0)
		if err != nil || ans.Kind != Messages || len(ans.Items) != 1 || ans.Items[0].Payload != "x" {
			t.Fatalf("tab %d collect: %+v, %v", i, ans, err)
		}
	}
	if a.woken.Load() != 1 || b.woken.Load() != 1 {
		t.Fatalf("woken a=%d b=%d, want 1 each", a.woken.Load(), b.woken.Load())
	}
	// Waiters are one-shot: the next payload wakes nobody until they park again.
	if _, _, wake, _ := m.Append("y", t0); len(wake) != 0 {
		t.Fatalf("second append woke %d, want 0", len(wake))
	}
}

func TestRemovedWaiterIsNotWoken(t *testing.T) {
	m := newTestBox(testLimits())
	w := &waiter{}
	m.Poll(Cursor{Epoch: m.epoch}, w, t0)
	if !m.Remove(w, t0) || m.Remove(w, t0) {
		t.Fatal("Remove: want true once, then false")
	}
	if _, _, wake, _ := m.Append("x", t0); len(wake) != 0 {
		t.Fatalf("append woke %d removed waiters", len(wake))
	}
}

func TestOverflowWakesAndResets(t *testing.T) {
	l := testLimits()
	l.MaxCount = 1
	m := newTestBox(l)
	m.Append("a", t0)
	// A poll acknowledges "a" and parks; "b" evicts the acknowledged "a"
	// (even within AckGrace) and wakes it.
	if ans, _ := m.Poll(Cursor{Epoch: m.epoch, Seq: 1}, &waiter{}, t0); ans.Kind != Parked {
		t.Fatalf("park: %+v", ans)
	}
	if _, _, wake, err := m.Append("b", t0); err != nil || len(wake) != 1 {
		t.Fatalf("append b: %v, woke %d; want nil, 1", err, len(wake))
	}
	// Nobody acknowledged "b": "c" overflows, and the poller still at 1
	// must reset instead of silently missing "c".
	if _, _, _, err := m.Append("c", t0); !errors.Is(err, ErrOverflow) {
		t.Fatalf("third append: %v, want overflow", err)
	}
	ans, err := m.Collect(Cursor{Epoch: m.epoch, Seq: 1}, t0)
	if err != nil || ans.Kind != Reset || ans.Seq != 2 {
		t.Fatalf("after overflow: %+v, %v; want reset at 2", ans, err)
	}
	if m.depth.Load() != 0 || m.bytes != 0 {
		t.Fatalf("depth %d bytes %d after overflow, want 0", m.depth.Load(), m.bytes)
	}
}

func TestPollerCap(t *testing.T) {
	m := newTestBox(testLimits()) // MaxPollers 2
	for i := range 2 {
		if _, err := m.Poll(Cursor{Epoch: m.epoch}, &waiter{}, t0); err != nil {
			t.Fatalf("poller %d: %v", i, err)
		}
	}
	if _, err := m.Poll(Cursor{Epoch: m.epoch}, &waiter{}, t0); !errors.Is(err, ErrTooManyPollers) {
		t.Fatalf("third poller: %v, want ErrTooManyPollers", err)
	}
	// A poll with something to answer is not parked, so the cap does not apply.
	m.Append("x", t0)
	if ans, err := m.Poll(Cursor{Epoch: m.epoch}, &waiter{}, t0); err != nil || ans.Kind != Messages {
		t.Fatalf("poll with backlog: %+v, %v", ans, err)
	}
}

func TestPayloadTooLarge(t *testing.T) {
	m := newTestBox(testLimits())
	if _, _, _, err := m.Append(strings.Repeat("x", 33), t0); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("append 33 bytes: %v, want ErrTooLarge", err)
	}
	if _, seq, _, err := m.Append(strings.Repeat("x", 32), t0); err != nil || seq != 1 {
		t.Fatalf("append 32 bytes: seq %d, %v", seq, err)
	}
}

func TestState(t *testing.T) {
	tests := []struct {
		name      string
		parked    bool
		polledAgo time.Duration // 0: never polled
		idle      time.Duration
		wantConn  bool
		wantIdle  time.Duration
	}{
		{name: "never polled", wantConn: false},
		{name: "parked", parked: true, polledAgo: 40 * time.Second, idle: 5 * time.Second, wantConn: true, wantIdle: 45 * time.Second},
		{name: "answered recently", polledAgo: 9 * time.Second, idle: time.Second, wantConn: true, wantIdle: 10 * time.Second},
		{name: "answered long ago", polledAgo: 11 * time.Second, wantConn: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestBox(testLimits())
			now := t0.Add(time.Minute)
			if tc.polledAgo > 0 {
				w := &waiter{}
				m.Poll(Cursor{Epoch: m.epoch, Idle: tc.idle}, w, now.Add(-tc.polledAgo))
				if !tc.parked {
					m.Append("x", now.Add(-tc.polledAgo))
					m.Collect(Cursor{Epoch: m.epoch}, now.Add(-tc.polledAgo))
				}
			}
			s, err := m.State(now)
			if err != nil || s.Connected != tc.wantConn || s.Idle != tc.wantIdle || s.Epoch != m.epoch {
				t.Fatalf("state = %+v, %v; want connected %v idle %v", s, err, tc.wantConn, tc.wantIdle)
			}
		})
	}
}

func TestNewEpochRange(t *testing.T) {
	seen := map[int64]bool{}
	for range 1000 {
		e := NewEpoch()
		if e < 1 || e >= 1<<53 || seen[e] {
			t.Fatalf("epoch %d out of range or repeated", e)
		}
		seen[e] = true
	}
}

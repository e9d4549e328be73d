package queue

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestHubExpiry(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(h *Hub, w Waiter) // at t0
		at      time.Duration
		want    bool // expired
	}{
		{name: "untouched past expiry", prepare: func(h *Hub, _ Waiter) { h.State(1, t0) }, at: 3 * time.Minute, want: true},
		{name: "untouched before expiry", prepare: func(h *Hub, _ Waiter) { h.State(1, t0) }, at: 179 * time.Second, want: false},
		{name: "deliveries do not keep it", prepare: func(h *Hub, _ Waiter) {
			h.State(1, t0)
			h.Append(1, "x", t0.Add(2*time.Minute))
		}, at: 3 * time.Minute, want: true},
		{name: "a poll keeps it", prepare: func(h *Hub, _ Waiter) {
			s := h.State(1, t0)
			h.Poll(1, Cursor{Epoch: s.Epoch}, nil, t0.Add(time.Minute))
		}, at: 3 * time.Minute, want: false},
		{name: "a parked poll keeps it", prepare: func(h *Hub, w Waiter) {
			s := h.State(1, t0)
			h.Poll(1, Cursor{Epoch: s.Epoch}, w, t0)
		}, at: time.Hour, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHub(testLimits())
			tc.prepare(h, &waiter{})
			before := h.lookup(1).epoch // not State: that would touch it
			if n := h.Sweep(t0.Add(tc.at)); (n == 1) != tc.want {
				t.Fatalf("swept %d, want expired=%v", n, tc.want)
			}
			if got := h.Len(); got != 1 && !tc.want {
				t.Fatalf("hub holds %d mailboxes, want 1", got)
			}
			// An expired user comes back with a new epoch; a kept one continues.
			after := h.State(1, t0.Add(tc.at)).Epoch
			if (after != before) != tc.want {
				t.Fatalf("epoch %d -> %d, want changed=%v", before, after, tc.want)
			}
		})
	}
}

func TestHubSweepAgesOutAndCountsDepth(t *testing.T) {
	h := NewHub(testLimits())
	h.Append(1, "old", t0)
	h.Append(2, "new", t0.Add(50*time.Second))
	if h.Depth() != 2 {
		t.Fatalf("depth %d, want 2", h.Depth())
	}
	h.Sweep(t0.Add(61 * time.Second))
	if h.Depth() != 1 {
		t.Fatalf("depth after aging %d, want 1", h.Depth())
	}
}

func TestHubDrop(t *testing.T) {
	h := NewHub(testLimits())
	w1, w2 := &waiter{}, &waiter{}
	e1 := h.State(1, t0).Epoch
	e2 := h.State(2, t0).Epoch
	h.Poll(1, Cursor{Epoch: e1}, w1, t0)
	h.Poll(2, Cursor{Epoch: e2}, w2, t0)
	h.Append(2, "x", t0) // wakes w2 now: only w1 is still parked
	n, wake := h.Drop(func(user int64) bool { return user == 2 })
	if n != 1 || len(wake) != 1 || wake[0] != Waiter(w1) {
		t.Fatalf("drop: %d dropped, wake %v; want 1, [w1]", n, wake)
	}
	if h.Depth() != 1 {
		t.Fatalf("depth %d, want user 2's 1 payload", h.Depth())
	}
	if e := h.State(1, t0).Epoch; e == e1 {
		t.Fatal("a dropped user came back with its old epoch")
	}
	if s := h.State(2, t0); s.Epoch != e2 || s.Seq != 1 {
		t.Fatalf("kept user: %+v, want epoch %d seq 1", s, e2)
	}
}

func TestHubConnected(t *testing.T) {
	h := NewHub(testLimits())
	e := h.State(7, t0).Epoch
	h.State(8, t0) // handshake only: not connected
	h.Poll(7, Cursor{Epoch: e, Idle: 3 * time.Second}, &waiter{}, t0)
	got := h.Connected(t0.Add(2 * time.Second))
	want := []Connection{{User: 7, Idle: 5 * time.Second, Pollers: 1}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("connected = %v, want %v", got, want)
	}
}

// TestHubConcurrent delivers and polls from many goroutines (run it with
// -race): every poller must see every payload of its user exactly once and
// in order, with seqs that never skip.
func TestHubConcurrent(t *testing.T) {
	l := testLimits()
	l.MaxCount, l.MaxBytes = 10_000, 1<<20
	h := NewHub(l)
	const users, perUser = 8, 300
	var wg sync.WaitGroup
	for u := int64(1); u <= users; u++ {
		epoch := h.State(u, t0).Epoch
		wg.Go(func() {
			for i := range perUser {
				if _, _, wake, err := h.Append(u, fmt.Sprint(i), t0); err != nil {
					t.Errorf("append: %v", err)
				} else {
					for _, w := range wake {
						w.Wake()
					}
				}
			}
		})
		for range 2 { // two tabs per user
			wg.Go(func() {
				ready := make(chan struct{}, 1)
				var seq int64
				for seq < perUser {
					a, err := h.Poll(u, Cursor{Epoch: epoch, Seq: seq}, chanWaiter(ready), t0)
					if err != nil {
						t.Errorf("poll: %v", err)
						return
					}
					if a.Kind == Parked {
						<-ready
						continue
					}
					for _, it := range a.Items {
						if it.Seq != seq+1 || it.Payload != fmt.Sprint(seq) {
							t.Errorf("user %d: got seq %d %q after %d", u, it.Seq, it.Payload, seq)
							return
						}
						seq++
					}
				}
			})
		}
	}
	wg.Wait()
}

// chanWaiter wakes through a one-slot channel, as a goroutine-backed poll does.
type chanWaiter chan struct{}

func (c chanWaiter) Wake() {
	select {
	case c <- struct{}{}:
	default:
	}
}

package shard

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	instA = discovery.Instance{ID: "a", Service: "channel", Addr: "10.0.0.1:9101"}
	instB = discovery.Instance{ID: "b", Service: "channel", Addr: "10.0.0.2:9101"}
)

func newShard(t *testing.T, res discovery.Resolver, l queue.Limits) *Shard {
	t.Helper()
	return New(Options{Self: instA.Addr, Resolver: res, Hub: queue.NewHub(l), SweepEvery: time.Hour})
}

// users returns n users owned by a and n owned by b in view {a, b}.
func users(n int) (ofA, ofB []int64) {
	v := discovery.NewView([]discovery.Instance{instA, instB})
	for u := int64(1); len(ofA) < n || len(ofB) < n; u++ {
		in, _ := v.Owner(discovery.HashUser(u))
		if in.ID == "a" && len(ofA) < n {
			ofA = append(ofA, u)
		} else if in.ID == "b" && len(ofB) < n {
			ofB = append(ofB, u)
		}
	}
	return ofA, ofB
}

func TestDeliverOutcomes(t *testing.T) {
	l := queue.DefaultLimits()
	l.MaxCount = 1
	s := newShard(t, discovery.NewStatic(instA, instB), l)
	ofA, ofB := users(2)
	big := `{"x":"` + strings.Repeat("y", l.MaxPayload) + `"}`
	tests := []struct {
		name    string
		d       Delivery
		want    Status
		wantSeq int64
		err     error
	}{
		{name: "owned", d: Delivery{User: ofA[0], Payload: `{"kind":"typing"}`}, want: Delivered, wantSeq: 1},
		{name: "owned elsewhere", d: Delivery{User: ofB[0], Payload: `{}`}, want: NotOwner},
		{name: "full", d: Delivery{User: ofA[0], Payload: `{}`}, want: Overflow, wantSeq: 1, err: queue.ErrOverflow},
		{name: "zero user", d: Delivery{User: 0, Payload: `{}`}, want: Invalid, err: ErrInvalidUser},
		{name: "negative user", d: Delivery{User: -5, Payload: `{}`}, want: Invalid, err: ErrInvalidUser},
		{name: "not JSON", d: Delivery{User: ofA[1], Payload: `{"a":`}, want: Invalid, err: ErrInvalidPayload},
		{name: "JSON array", d: Delivery{User: ofA[1], Payload: `[1]`}, want: Invalid, err: ErrInvalidPayload},
		{name: "two values", d: Delivery{User: ofA[1], Payload: `{} {}`}, want: Invalid, err: ErrInvalidPayload},
		{name: "empty", d: Delivery{User: ofA[1], Payload: ``}, want: Invalid, err: ErrInvalidPayload},
		{name: "oversize", d: Delivery{User: ofA[1], Payload: big}, want: Invalid, err: queue.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := s.Deliver([]Delivery{tc.d})
			if err != nil {
				t.Fatal(err)
			}
			o := out[0]
			if o.Status != tc.want || o.Seq != tc.wantSeq || !errors.Is(o.Err, tc.err) {
				t.Fatalf("outcome %+v; want status %d seq %d err %v", o, tc.want, tc.wantSeq, tc.err)
			}
			if tc.want == NotOwner && o.Owner.ID != "b" {
				t.Fatalf("owner %+v, want b", o.Owner)
			}
		})
	}
}

func TestDeliverBatchLimit(t *testing.T) {
	s := newShard(t, discovery.NewStatic(instA), queue.DefaultLimits())
	ds := make([]Delivery, MaxBatch+1)
	for i := range ds {
		ds[i] = Delivery{User: 1, Payload: `{}`}
	}
	if _, err := s.Deliver(ds); !errors.Is(err, ErrBatchTooLarge) {
		t.Fatalf("oversize batch: %v", err)
	}
	if st, _ := s.State(1); st.Seq != 0 {
		t.Fatalf("an oversize batch delivered something: seq %d", st.Seq)
	}
	// MaxCount is 500: the 501st overflows, which drops the unacknowledged
	// backlog (pollers will reset), so the rest fit again from seq 501.
	out, err := s.Deliver(ds[:MaxBatch])
	if err != nil || out[499].Seq != 500 || out[500].Status != Overflow || out[501].Seq != 501 || out[MaxBatch-1].Seq != 999 {
		t.Fatalf("full batch: err %v, outcomes 499..501 %+v, last %+v", err, out[499:502], out[MaxBatch-1])
	}
}

func TestStateOwnership(t *testing.T) {
	s := newShard(t, discovery.NewStatic(instA, instB), queue.DefaultLimits())
	ofA, ofB := users(1)
	if st, err := s.State(ofA[0]); err != nil || st.Epoch == 0 {
		t.Fatalf("owned: %+v, %v", st, err)
	}
	var no *NotOwnerError
	if _, err := s.State(ofB[0]); !errors.As(err, &no) || no.Owner.Addr != instB.Addr {
		t.Fatalf("not owned: %v", err)
	}
	if _, err := s.State(0); !errors.Is(err, ErrInvalidUser) {
		t.Fatalf("user 0: %v", err)
	}
}

func TestEmptyViewServesLocally(t *testing.T) {
	s := newShard(t, discovery.NewStatic(), queue.DefaultLimits())
	if _, mine := s.Owns(42); !mine {
		t.Fatal("with no instance in view, this instance should serve")
	}
}

type waiter struct{ woken chan struct{} }

func (w waiter) Wake() { close(w.woken) }

// TestViewChangeDropsMovedUsers: when b joins, a's users that now belong to
// b lose their mailbox (their parked polls are woken and learn they moved),
// users a keeps continue in the same epoch, and a user that comes back later
// starts a new epoch.
func TestViewChangeDropsMovedUsers(t *testing.T) {
	res := discovery.NewStatic(instA)
	var dropped atomic.Int64
	s := New(Options{Self: instA.Addr, Resolver: res, Hub: queue.NewHub(queue.DefaultLimits()), SweepEvery: time.Hour,
		OnDrop: func(n int) { dropped.Add(int64(n)) }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() { cancel(); <-done }()

	ofA, ofB := users(1)
	stay, move := ofA[0], ofB[0]
	stayState, _ := s.State(stay)
	moveState, _ := s.State(move)
	w := waiter{make(chan struct{})}
	if a, err := s.Poll(move, queue.Cursor{Epoch: moveState.Epoch}, w); err != nil || a.Kind != queue.Parked {
		t.Fatalf("park: %+v, %v", a, err)
	}

	res.Set(instA, instB)
	select {
	case <-w.woken:
	case <-time.After(5 * time.Second):
		t.Fatal("the moved user's parked poll was not woken")
	}
	var no *NotOwnerError
	if _, err := s.Collect(move, queue.Cursor{Epoch: moveState.Epoch}); !errors.As(err, &no) || no.Owner.ID != "b" {
		t.Fatalf("moved user collect: %v, want not owner (b)", err)
	}
	if st, _ := s.State(stay); st.Epoch != stayState.Epoch {
		t.Fatal("a user that stayed lost its epoch")
	}
	if dropped.Load() != 1 {
		t.Fatalf("dropped %d mailboxes, want 1", dropped.Load())
	}

	res.Set(instA)
	eventually(t, "the user comes back to a", func() bool { _, mine := s.Owns(move); return mine })
	if st, err := s.State(move); err != nil || st.Epoch == moveState.Epoch {
		t.Fatalf("a user that came back: %+v, %v; want a new epoch", st, err)
	}
}

// eventually waits up to 5 s for cond, checking every millisecond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

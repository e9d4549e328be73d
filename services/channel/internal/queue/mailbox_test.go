package queue

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// waiter counts its wakes.
type waiter struct{ woken atomic.Int32 }

func (w *waiter) Wake() { w.woken.Add(1) }

func testLimits() Limits {
	l := DefaultLimits()
	l.MaxCount, l.MaxBytes, l.MaxPayload = 4, 64, 32
	l.MaxAge, l.AckGrace, l.IdleExpiry, l.SeenGrace = time.Minute, 5*time.Second, 3*time.Minute, 10*time.Second
	l.MaxPollers = 2
	return l
}

func newTestBox(l Limits) *Mailbox { return newMailbox(&l, new(atomic.Int64), t0) }

// step is one operation at a clock offset: append a payload, or poll
// (acknowledging) at a seq.
type step struct {
	at      time.Duration
	payload string // append this, unless poll
	poll    bool
	seq     int64
}

func app(at time.Duration, p string) step  { return step{at: at, payload: p} }
func ack(at time.Duration, seq int64) step { return step{at: at, poll: true, seq: seq} }

func TestPoll(t *testing.T) {
	other := func(e int64) int64 { return e%(1<<52) + 1 }
	tests := []struct {
		name    string
		limits  func(*Limits)
		steps   []step
		at      time.Duration
		epoch   func(e int64) int64 // the cursor's epoch from the mailbox's
		seq     int64
		want    Kind
		wantSeq int64
		items   []string
		err     error
	}{
		{name: "fresh client resets", epoch: func(int64) int64 { return 0 }, steps: []step{app(0, "a")}, want: Reset, wantSeq: 1},
		{name: "other epoch resets", epoch: other, steps: []step{app(0, "a"), app(0, "b")}, seq: 1, want: Reset, wantSeq: 2},
		{name: "empty parks", want: Parked},
		{name: "backlog answered at once", steps: []step{app(0, "a"), app(0, "b")}, want: Messages, wantSeq: 2, items: []string{"a", "b"}},
		{name: "only after the cursor", steps: []step{app(0, "a"), app(0, "b"), app(0, "c")}, seq: 1, want: Messages, wantSeq: 3, items: []string{"b", "c"}},
		{name: "answered is not removed", steps: []step{app(0, "a"), ack(0, 0), ack(0, 0)}, want: Messages, wantSeq: 1, items: []string{"a"}},
		{name: "caught up parks", steps: []step{app(0, "a"), app(0, "b")}, seq: 2, want: Parked, wantSeq: 2},
		{name: "seq ahead", steps: []step{app(0, "a")}, seq: 2, err: ErrBadSeq},
		{name: "negative seq", seq: -1, err: ErrBadSeq},
		{name: "lagging tab within ack grace", steps: []step{app(0, "a"), app(0, "b"), ack(time.Second, 2)}, at: 4 * time.Second, want: Messages, wantSeq: 2, items: []string{"a", "b"}},
		{name: "lagging tab after ack grace resets", steps: []step{app(0, "a"), app(0, "b"), ack(time.Second, 2)}, at: 7 * time.Second, want: Reset, wantSeq: 2},
		{name: "partly acked gap resets", steps: []step{app(0, "a"), app(0, "b"), ack(0, 1)}, at: 6 * time.Second, want: Reset, wantSeq: 2},
		{name: "acked-through poller unaffected by grace", steps: []step{app(0, "a"), app(0, "b"), ack(0, 1)}, at: 6 * time.Second, seq: 1, want: Messages, wantSeq: 2, items: []string{"b"}},
		{name: "aged out resets", steps: []step{app(0, "a"), app(30*time.Second, "b")}, at: 61 * time.Second, want: Reset, wantSeq: 2},
		{name: "not yet aged", steps: []step{app(0, "a")}, at: 59 * time.Second, want: Messages, wantSeq: 1, items: []string{"a"}},
		{name: "age drops only the old", steps: []step{app(0, "a"), app(30*time.Second, "b")}, at: 61 * time.Second, seq: 1, want: Messages, wantSeq: 2, items: []string{"b"}},
		{name: "overflow resets those behind", steps: []step{app(0, "a"), app(0, "b"), app(0, "c"), app(0, "d"), app(0, "e")}, want: Reset, wantSeq: 4},
		{name: "overflow then caught up", steps: []step{app(0, "a"), app(0, "b"), app(0, "c"), app(0, "d"), app(0, "e"), app(0, "f")}, seq: 4, want: Messages, wantSeq: 5, items: []string{"f"}},
		{name: "acked make room", steps: []step{app(0, "a"), app(0, "b"), app(0, "c"), app(0, "d"), ack(0, 2), app(0, "e"), app(0, "f")}, seq: 2, want: Messages, wantSeq: 6, items: []string{"c", "d", "e", "f"}},
		{name: "bytes bound", steps: []step{app(0, strings.Repeat("x", 30)), app(0, strings.Repeat("y", 30)), app(0, "zzzzz")}, want: Reset, wantSeq: 2},
		{
			name:   "answer capped at maxAnswerBytes",
			limits: func(l *Limits) { l.MaxCount, l.MaxPayload, l.MaxBytes = 10, 16<<10, 1<<20 },
			steps:  []step{app(0, strings.Repeat("a", 16<<10)), app(0, strings.Repeat("b", 16<<10)), app(0, strings.Repeat("c", 16<<10)), app(0, strings.Repeat("d", 16<<10)), app(0, "e")},
			want:   Messages, wantSeq: 4,
			items: []string{strings.Repeat("a", 16<<10), strings.Repeat("b", 16<<10), strings.Repeat("c", 16<<10), strings.Repeat("d", 16<<10)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := testLimits()
			if tc.limits != nil {
				tc.limits(&l)
			}
			m := newTestBox(l)
			for _, s := range tc.steps {
				now := t0.Add(s.at)
				if s.poll {
					if _, err := m.Poll(Cursor{Epoch: m.epoch, Seq: s.seq}, nil, now); err != nil {
						t.Fatalf("ack %d: %v", s.seq, err)
					}
					continue
				}
				if _, _, _, err := m.Append(s.payload, now); err != nil && !errors.Is(err, ErrOverflow) {
					t.Fatalf("append %q: %v", s.payload, err)
				}
			}
			epoch := m.epoch
			if tc.epoch != nil {
				epoch = tc.epoch(m.epoch)
			}
			a, err := m.Poll(Cursor{Epoch: epoch, Seq: tc.seq}, &waiter{}, t0.Add(tc.at))
			if tc.err != nil || err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			var got []string
			for _, it := range a.Items {
				got = append(got, it.Payload)
			}
			if a.Kind != tc.want || a.Epoch != m.epoch || a.Seq != tc.wantSeq || !slices.Equal(got, tc.items) {
				t.Fatalf("answer = kind %d epoch %d seq %d items %s; want kind %d epoch %d seq %d items %s",
					a.Kind, a.Epoch, a.Seq, short(got), tc.want, m.epoch, tc.wantSeq, short(tc.items))
			}
		})
	}
}

// short abbreviates long payloads in failure messages.
func short(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		if len(s) > 8 {
			s = fmt.Sprintf("%s…(%d bytes)", s[:4], len(s))
		}
		out[i] = s
	}
	return fmt.Sprintf("%q", out)
}

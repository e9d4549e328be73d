// Package storetest checks that a convlog.Store keeps the contract: the
// embedded Pebble store runs it, and so must any later backend.
package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

// Open returns a fresh, empty store whose server time is clock; the suite
// closes it.
type Open func(t *testing.T, clock func() time.Time) convlog.Store

// Run runs every check against stores from open.
func Run(t *testing.T, open Open) {
	for _, c := range []struct {
		name string
		fn   func(*testing.T, *env)
	}{
		{"AppendAssignsSeqs", testAppendAssignsSeqs},
		{"AppendRetryReturnsStored", testAppendRetry},
		{"AppendConflictStoresNothing", testAppendConflict},
		{"ConcurrentRetries", testConcurrentRetries},
		{"ConcurrentConversations", testConcurrentConversations},
		{"HistoryPaging", testHistoryPaging},
		{"RecentAndReadMarks", testRecent},
		{"SincePaging", testSince},
		{"SinceAcrossTime", testSinceAcrossTime},
		{"Closed", testClosed},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := &Clock{}
			clock.Set(time.UnixMilli(1_700_000_000_000))
			s := open(t, clock.Now)
			e := &env{t: t, s: s, clock: clock, ctx: context.Background()}
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			c.fn(t, e)
		})
	}
}

// Clock is a settable clock, safe for concurrent use.
type Clock struct{ ms atomic.Int64 }

// Now is the clock's time.
func (c *Clock) Now() time.Time { return time.UnixMilli(c.ms.Load()) }

// Set moves the clock to at.
func (c *Clock) Set(at time.Time) { c.ms.Store(at.UnixMilli()) }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

type env struct {
	t     *testing.T
	s     convlog.Store
	clock *Clock
	ctx   context.Context
}

// send appends one message and fails the test on error.
func (e *env) send(from, to int64, text, cmid string) convlog.Message {
	e.t.Helper()
	ms, err := e.s.Append(e.ctx, []convlog.Draft{{Sender: from, Recipient: to, Text: text, ClientMsgID: cmid}})
	if err != nil || len(ms) != 1 {
		e.t.Fatalf("Append(%d→%d %q): %v, %d messages", from, to, cmid, err, len(ms))
	}
	return ms[0]
}

// fill appends n messages alternating between a and b, cmids prefix-1…n.
func (e *env) fill(a, b int64, n int, prefix string) []convlog.Message {
	e.t.Helper()
	var out []convlog.Message
	for i := 1; i <= n; i++ {
		from, to := a, b
		if i%2 == 0 {
			from, to = b, a
		}
		out = append(out, e.send(from, to, fmt.Sprintf("%s message %d", prefix, i), fmt.Sprintf("%s-%d", prefix, i)))
	}
	return out
}

// history reads a page and fails the test on error.
func (e *env) history(conv convlog.Conv, c convlog.Cursor) convlog.Page {
	e.t.Helper()
	p, err := e.s.History(e.ctx, conv, c)
	if err != nil {
		e.t.Fatalf("History(%s, %+v): %v", conv.ID, c, err)
	}
	return p
}

// seqs lists the seqs of ms.
func seqs(ms []convlog.Message) []int64 {
	out := []int64{}
	for _, m := range ms {
		out = append(out, m.Seq)
	}
	return out
}

// span is the seqs lo…hi.
func span(lo, hi int64) []int64 {
	out := []int64{}
	for s := lo; s <= hi; s++ {
		out = append(out, s)
	}
	return out
}

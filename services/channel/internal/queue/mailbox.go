// Package queue holds each user's mailbox: the payloads on their way to the
// user's browser, the (epoch, seq) cursor that numbers them, and the polls
// parked waiting for more. It knows nothing of Thrift or HTTP, and time comes
// in as an argument, so tests drive it with a fake clock.
//
// Lock order (see ../../LOCKS.md): Hub.mu before Mailbox.mu. Waiter.Wake is
// never called with either held.
package queue

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// maxAnswerBytes bounds the payload bytes of one answer; the poller fetches
// the rest with its next poll. At least one payload is always answered.
const maxAnswerBytes = 64 << 10

// Waiter is a parked poll. Wake is called once, with no queue lock held,
// when the mailbox has news for it: a payload arrived, the backlog
// overflowed, or the mailbox was dropped. It must not block: the caller is
// a delivery in progress. A woken waiter is no longer parked.
//
// A poll with a goroutine of its own implements Wake as a non-blocking
// send on a one-slot channel it waits on (NATS's ipqueue; see
// TestHubConcurrent). The long-poll adapter's parked polls have no
// goroutine, to keep a waiting user cheap, so their Wake writes the answer.
type Waiter interface{ Wake() }

// Item is one payload and its position.
type Item struct {
	Seq     int64
	Payload string
	At      time.Time // when it was enqueued
}

type entry struct {
	Item
	acked time.Time // zero until a poll acknowledged it
}

// Mailbox is one user's queue. Its fields are guarded by mu; a dropped
// mailbox answers errGone and the Hub hands out a fresh one.
type Mailbox struct {
	limits  *Limits
	depth   *atomic.Int64 // the hub's total, kept in step with items
	dropped atomic.Bool   // written under mu; read by the hub without it

	mu      sync.Mutex
	epoch   int64
	seq     int64   // last seq assigned
	base    int64   // every seq <= base has left; items are base+1 .. seq
	acked   int64   // highest seq a poll acknowledged
	items   []entry //
	bytes   int     // payload bytes in items
	waiters []Waiter
	idle    time.Duration // idle time the browser last reported ...
	polled  time.Time     // ... at this poll
	active  time.Time     // last poll begun or answered: "connected"
	seen    time.Time     // last poll or state call: drives expiry
}

// NewEpoch returns a random epoch in [1, 2^53): a new mailbox never
// continues an old one's numbering, and JavaScript numbers hold it exactly.
func NewEpoch() int64 { return rand.Int64N(1<<53-1) + 1 }

func newMailbox(l *Limits, depth *atomic.Int64, now time.Time) *Mailbox {
	return &Mailbox{limits: l, depth: depth, epoch: NewEpoch(), seen: now}
}

// Append enqueues payload and returns its epoch and seq, with the parked
// polls to wake. On ErrOverflow the payload is not enqueued, seq is the last
// one assigned, and the backlog is dropped so that every poller behind is
// told to reset and refill from the chatlog rather than silently miss it.
func (m *Mailbox) Append(payload string, now time.Time) (epoch, seq int64, wake []Waiter, err error) {
	if len(payload) > m.limits.MaxPayload {
		return 0, 0, nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(payload), m.limits.MaxPayload)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dropped.Load() {
		return 0, 0, nil, errGone
	}
	m.trim(now)
	if !m.fits(len(payload)) {
		m.drop(m.acked - m.base) // acknowledged payloads give way first
	}
	wake, m.waiters = m.waiters, nil
	if !m.fits(len(payload)) {
		m.drop(int64(len(m.items)))
		return m.epoch, m.seq, wake, ErrOverflow
	}
	m.seq++
	m.items = append(m.items, entry{Item: Item{Seq: m.seq, Payload: payload, At: now}})
	m.bytes += len(payload)
	m.depth.Add(1)
	return m.epoch, m.seq, wake, nil
}

func (m *Mailbox) fits(n int) bool {
	return len(m.items) < m.limits.MaxCount && m.bytes+n <= m.limits.MaxBytes
}

// drop removes the n oldest items (n may be <= 0).
func (m *Mailbox) drop(n int64) {
	if n <= 0 {
		return
	}
	for _, e := range m.items[:n] {
		m.bytes -= len(e.Payload)
	}
	m.items = slices.Delete(m.items, 0, int(n))
	m.base += n
	m.depth.Add(-n)
}

// trim drops the oldest items that aged out, or that were acknowledged more
// than AckGrace ago. Items are in seq order and acks only move forward, so
// both kinds form a prefix.
func (m *Mailbox) trim(now time.Time) {
	n := 0
	for _, e := range m.items {
		aged := now.Sub(e.At) >= m.limits.MaxAge
		done := !e.acked.IsZero() && now.Sub(e.acked) >= m.limits.AckGrace
		if !aged && !done {
			break
		}
		n++
	}
	m.drop(int64(n))
}

// ack records that some poll has seen everything up to seq.
func (m *Mailbox) ack(seq int64, now time.Time) {
	for s := max(m.acked, m.base) + 1; s <= seq; s++ {
		m.items[s-m.base-1].acked = now
	}
	m.acked = max(m.acked, seq)
}

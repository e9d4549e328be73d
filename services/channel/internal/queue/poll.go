package queue

import (
	"fmt"
	"time"
)

// Cursor is where a poll stands: the epoch it knows, the last seq it has
// seen, and the idle time its browser reports.
type Cursor struct {
	Epoch int64
	Seq   int64
	Idle  time.Duration
}

// Kind says what a poll is answered.
type Kind int

// Kinds of Answer.
const (
	// Messages: Items hold payloads after the cursor; Seq is the last one.
	Messages Kind = iota + 1
	// Reset: the cursor cannot continue (another epoch, or payloads it had
	// not seen are gone); the poller fills the gap from the chatlog and
	// polls again from Epoch/Seq.
	Reset
	// Parked: nothing yet; the waiter is parked and will be woken.
	Parked
	// Empty: nothing yet, and there was no waiter to park.
	Empty
)

// Answer is the outcome of a poll.
type Answer struct {
	Kind  Kind
	Epoch int64
	Seq   int64
	Items []Item
}

// Poll answers a poll standing at cur: everything up to cur.Seq is
// acknowledged, payloads after it are answered at once, and with nothing
// to answer w is parked. It records the poll for presence.
func (m *Mailbox) Poll(cur Cursor, w Waiter, now time.Time) (Answer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dropped.Load() {
		return Answer{}, errGone
	}
	m.idle, m.polled, m.active, m.seen = cur.Idle, now, now, now
	return m.answer(cur, w, now)
}

// Collect answers a parked poll that was woken, or whose hold ran out:
// like Poll without parking, and without a new presence report.
func (m *Mailbox) Collect(cur Cursor, now time.Time) (Answer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dropped.Load() {
		return Answer{}, errGone
	}
	m.active, m.seen = now, now
	return m.answer(cur, nil, now)
}

func (m *Mailbox) answer(cur Cursor, w Waiter, now time.Time) (Answer, error) {
	if cur.Epoch != m.epoch {
		return Answer{Kind: Reset, Epoch: m.epoch, Seq: m.seq}, nil
	}
	if cur.Seq > m.seq || cur.Seq < 0 {
		return Answer{}, fmt.Errorf("%w: seq %d, queue at %d", ErrBadSeq, cur.Seq, m.seq)
	}
	m.ack(cur.Seq, now)
	m.trim(now)
	switch {
	case cur.Seq < m.base:
		// Payloads after cur.Seq aged out or overflowed before this poller saw them.
		return Answer{Kind: Reset, Epoch: m.epoch, Seq: m.seq}, nil
	case cur.Seq < m.seq:
		items := m.after(cur.Seq)
		return Answer{Kind: Messages, Epoch: m.epoch, Seq: items[len(items)-1].Seq, Items: items}, nil
	case w == nil:
		return Answer{Kind: Empty, Epoch: m.epoch, Seq: cur.Seq}, nil
	case len(m.waiters) >= m.limits.MaxPollers:
		return Answer{}, fmt.Errorf("%w: %d parked", ErrTooManyPollers, len(m.waiters))
	}
	m.waiters = append(m.waiters, w)
	return Answer{Kind: Parked, Epoch: m.epoch, Seq: cur.Seq}, nil
}

// after copies the items after seq, up to maxAnswerBytes (at least one).
func (m *Mailbox) after(seq int64) []Item {
	rest := m.items[seq-m.base:]
	n, size := 0, 0
	for _, e := range rest {
		if n > 0 && size+len(e.Payload) > maxAnswerBytes {
			break
		}
		size += len(e.Payload)
		n++
	}
	out := make([]Item, n)
	for i, e := range rest[:n] {
		out[i] = e.Item
	}
	return out
}

// Remove unparks w (a poll that ended without being woken); it reports
// whether w was parked.
func (m *Mailbox) Remove(w Waiter, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.active, m.seen = now, now
	for i, x := range m.waiters {
		if x == w {
			last := len(m.waiters) - 1
			m.waiters[i], m.waiters[last] = m.waiters[last], nil
			m.waiters = m.waiters[:last]
			return true
		}
	}
	return false
}

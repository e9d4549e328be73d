package queue

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Hub is the set of mailboxes of one instance, one per user, created on
// first use. Operations on a user go through the Hub so that a dropped
// mailbox is replaced by a fresh one (with a new epoch) transparently.
type Hub struct {
	limits Limits
	depth  atomic.Int64 // payloads held across every mailbox

	mu    sync.RWMutex // guards boxes; taken before any Mailbox.mu
	boxes map[int64]*Mailbox
}

// NewHub returns an empty hub; l must be valid (see Limits.Validate).
func NewHub(l Limits) *Hub {
	return &Hub{limits: l, boxes: map[int64]*Mailbox{}}
}

// Limits returns the hub's limits.
func (h *Hub) Limits() Limits { return h.limits }

// Mailbox returns user's mailbox, creating it with a new epoch if the user
// has none or its old one was dropped.
func (h *Hub) Mailbox(user int64, now time.Time) *Mailbox {
	h.mu.RLock()
	m := h.boxes[user]
	h.mu.RUnlock()
	if m != nil && !m.dropped.Load() {
		return m
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if m = h.boxes[user]; m != nil && !m.dropped.Load() {
		return m
	}
	m = newMailbox(&h.limits, &h.depth, now)
	h.boxes[user] = m
	return m
}

// lookup returns user's live mailbox, or nil.
func (h *Hub) lookup(user int64) *Mailbox {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if m := h.boxes[user]; m != nil && !m.dropped.Load() {
		return m
	}
	return nil
}

// retry runs op on user's mailbox until it finds one that was not dropped
// underneath it; a dropped mailbox is replaced on the next Mailbox call.
func retry[T any](h *Hub, user int64, now time.Time, op func(*Mailbox) (T, error)) (T, error) {
	for {
		v, err := op(h.Mailbox(user, now))
		if !errors.Is(err, errGone) {
			return v, err
		}
	}
}

// Append enqueues payload for user; see Mailbox.Append.
func (h *Hub) Append(user int64, payload string, now time.Time) (epoch, seq int64, wake []Waiter, err error) {
	type res struct {
		epoch, seq int64
		wake       []Waiter
	}
	r, err := retry(h, user, now, func(m *Mailbox) (res, error) {
		e, s, w, err := m.Append(payload, now)
		return res{e, s, w}, err
	})
	return r.epoch, r.seq, r.wake, err
}

// Poll answers user's poll; see Mailbox.Poll.
func (h *Hub) Poll(user int64, cur Cursor, w Waiter, now time.Time) (Answer, error) {
	return retry(h, user, now, func(m *Mailbox) (Answer, error) { return m.Poll(cur, w, now) })
}

// Collect answers user's woken poll; see Mailbox.Collect.
func (h *Hub) Collect(user int64, cur Cursor, now time.Time) (Answer, error) {
	return retry(h, user, now, func(m *Mailbox) (Answer, error) { return m.Collect(cur, now) })
}

// State returns user's mailbox state, creating the mailbox if needed.
func (h *Hub) State(user int64, now time.Time) State {
	s, _ := retry(h, user, now, func(m *Mailbox) (State, error) { return m.State(now) })
	return s
}

// Remove unparks w from user's mailbox, if it is still parked there.
func (h *Hub) Remove(user int64, w Waiter, now time.Time) {
	if m := h.lookup(user); m != nil {
		m.Remove(w, now)
	}
}

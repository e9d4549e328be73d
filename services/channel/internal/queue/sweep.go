package queue

import "time"

// Drop removes the mailbox of every user keep rejects (users this instance
// no longer owns) and returns how many it removed and their parked polls,
// for the caller to wake once no lock is held. Those users get a new epoch
// should they come back.
func (h *Hub) Drop(keep func(user int64) bool) (n int, wake []Waiter) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for user, m := range h.boxes {
		if keep(user) {
			continue
		}
		m.mu.Lock()
		wake = append(wake, m.discard()...)
		m.mu.Unlock()
		delete(h.boxes, user)
		n++
	}
	return n, wake
}

// Sweep ages out old payloads everywhere and removes mailboxes idle past
// IdleExpiry; it returns how many it removed. It holds the hub lock only to
// copy the list and to delete, never while visiting mailboxes, so polls and
// deliveries are not held up by a large hub.
func (h *Hub) Sweep(now time.Time) int {
	var expired []int64
	for _, b := range h.snapshot() {
		if b.m.expire(now) {
			expired = append(expired, b.user)
		}
	}
	if len(expired) == 0 {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, user := range expired {
		// A poll may already have replaced the dropped mailbox with a new one.
		if m := h.boxes[user]; m != nil && m.dropped.Load() {
			delete(h.boxes, user)
		}
	}
	return len(expired)
}

// Connected lists the users with a poll parked or recently answered.
func (h *Hub) Connected(now time.Time) []Connection {
	var out []Connection
	for _, b := range h.snapshot() {
		b.m.mu.Lock()
		s := b.m.state(now)
		dropped := b.m.dropped.Load()
		b.m.mu.Unlock()
		if s.Connected && !dropped {
			out = append(out, Connection{User: b.user, Idle: s.Idle, Pollers: s.Pollers})
		}
	}
	return out
}

// Len is the number of mailboxes.
func (h *Hub) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.boxes)
}

// Depth is the number of payloads held across every mailbox.
func (h *Hub) Depth() int64 { return h.depth.Load() }

type userBox struct {
	user int64
	m    *Mailbox
}

// snapshot copies the mailbox list, so visiting them needs no hub lock.
func (h *Hub) snapshot() []userBox {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]userBox, 0, len(h.boxes))
	for u, m := range h.boxes {
		out = append(out, userBox{u, m})
	}
	return out
}

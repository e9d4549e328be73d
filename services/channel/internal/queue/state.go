package queue

import "time"

// State is where a mailbox stands.
type State struct {
	Epoch int64
	// Seq is the last seq assigned; 0 when none.
	Seq int64
	// Pollers is the number of polls parked now.
	Pollers int
	// Depth is the number of payloads held.
	Depth int
	// Connected: a poll is parked, or one was answered within SeenGrace.
	Connected bool
	// Idle is the browser's idle time now, from its last report.
	Idle time.Duration
}

// Connection is one connected user, for presence reports.
type Connection struct {
	User    int64
	Idle    time.Duration
	Pollers int
}

// State returns the mailbox's state; a handshake asking for it also keeps
// the mailbox from expiring until the browser's first poll.
func (m *Mailbox) State(now time.Time) (State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dropped.Load() {
		return State{}, errGone
	}
	m.seen = now
	return m.state(now), nil
}

// state is the current state; m.mu is held.
func (m *Mailbox) state(now time.Time) State {
	s := State{
		Epoch:     m.epoch,
		Seq:       m.seq,
		Pollers:   len(m.waiters),
		Depth:     len(m.items),
		Connected: len(m.waiters) > 0 || (!m.active.IsZero() && now.Sub(m.active) < m.limits.SeenGrace),
	}
	if s.Connected {
		s.Idle = max(0, m.idle+now.Sub(m.polled))
	}
	return s
}

// expire trims aged payloads and, if the mailbox has been idle for
// IdleExpiry with no poll parked, marks it dropped; it reports whether it
// did. The caller then removes it from the hub.
func (m *Mailbox) expire(now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dropped.Load() {
		return false
	}
	m.trim(now)
	if len(m.waiters) > 0 || now.Sub(m.seen) < m.limits.IdleExpiry {
		return false
	}
	m.discard()
	return true
}

// discard marks the mailbox dropped and releases its payloads, returning the
// parked waiters; m.mu is held.
func (m *Mailbox) discard() []Waiter {
	m.dropped.Store(true)
	m.drop(int64(len(m.items)))
	w := m.waiters
	m.waiters = nil
	return w
}

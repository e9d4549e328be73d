// Package table is the presence domain: a soft-state table of user → state
// (active, idle, offline), last active time and reporter, fed in batches by
// reporters (channel instances) and read in batches by pages.
//
// Nothing in it is pushed: an entry lapses to offline when its reporter has
// missed ExpireAfter intervals, and turns idle when IdleAfter has passed since
// the user's last input. Both transitions are computed from the stored times
// when an entry is read or written, never by a timer, so a million entries
// cost no timers and no goroutines. The sweeper (Sweep) only bounds memory.
//
// # Versions
//
// Every state change has a version: microseconds since the Unix epoch,
// strictly increasing per table, so callers ask for "what changed since the
// version you gave me last". The table keeps a logical clock: a write or a
// read takes a version no earlier than the wall clock and no earlier than any
// version handed out before, and evaluates the derived transitions at that
// instant. A lapse or an idle transition counts as a change at the moment it
// happened (the expiry time), which is never after the reading version that
// first shows it. See clock.go for why no change is ever skipped.
//
// # Layout
//
// Entries live in 256 stripes, each a mutex and an open-addressing index from
// user id to a 16-byte entry (times as uint32 seconds, the version as 48 bits
// of microseconds, state and interned reporter in two bytes), so an online
// user costs 30–38 bytes (see index.go and the benchmark) and writers to
// different stripes rarely contend.
package table

import (
	"sync"
	"time"
)

// State is a user's presence state.
type State uint8

// States, in the IDL's order.
const (
	Offline State = iota + 1
	Idle
	Active
)

// String names the state as logs and tests print it.
func (s State) String() string {
	switch s {
	case Offline:
		return "offline"
	case Idle:
		return "idle"
	case Active:
		return "active"
	}
	return "invalid"
}

// Presence is one user's state as a read sees it.
type Presence struct {
	User  int64
	State State
	// LastActive is the user's last input, whole seconds; zero if never seen.
	LastActive time.Time
	// Version is when State began, in microseconds since the Unix epoch.
	Version int64
}

// Entry is one connected user in a report.
type Entry struct {
	User int64
	// Idle is the time since the user's last input, as the browser reported.
	Idle time.Duration
}

// nStripes is a power of two, well above the core count, so concurrent
// writers and readers rarely meet on one mutex.
const nStripes = 256

// stripe is one lock's share of the users.
type stripe struct {
	mu sync.Mutex
	ix index
	_  [16]byte // keeps neighbouring stripes' mutexes off one cache line
}

// Table is the presence table. It is safe for concurrent use.
type Table struct {
	cfg       Config
	now       func() time.Time
	epoch     int64 // µs; stored versions count from it
	idleAfter int64 // µs
	clock     clock
	base      baseVersion
	reporters reporters
	stripes   [nStripes]stripe
}

// New returns an empty table. Its base version (see Rebase) is now.
func New(cfg Config) (*Table, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	t := &Table{cfg: cfg, now: cfg.Now, idleAfter: cfg.IdleAfter.Microseconds()}
	if t.now == nil {
		t.now = time.Now
	}
	t.epoch = t.now().UnixMicro()
	t.reporters.init(cfg.Reporters)
	t.Rebase()
	return t, nil
}

// stripeOf picks the stripe for a user's hash: its top byte.
func (t *Table) stripeOf(h uint64) *stripe { return &t.stripes[h>>56] }

// load returns user's stored fields, if any.
func (t *Table) load(user int64) (fields, bool) {
	h := hash(user)
	s := t.stripeOf(h)
	s.mu.Lock()
	i := s.ix.find(user, h)
	var e entry
	if i >= 0 {
		e = s.ix.vals[i]
	}
	s.mu.Unlock()
	return e.unpack(t.epoch), i >= 0
}

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
// Entries live in 256 stripes, each a mutex and a map from user id to a
// 24-byte entry (times as uint32 seconds, the reporter as an interned uint16),
// so an online user costs about 50 bytes (see the benchmark) and writers to
// different stripes do not contend.
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
	m  map[int64]entry
	_  [40]byte // keeps neighbouring stripes' mutexes off one cache line
}

// Table is the presence table. It is safe for concurrent use.
type Table struct {
	cfg       Config
	now       func() time.Time
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
	t.reporters.init(cfg.Reporters)
	for i := range t.stripes {
		t.stripes[i].m = map[int64]entry{}
	}
	t.Rebase()
	return t, nil
}

// stripeOf picks a user's stripe; the multiplier spreads sequential ids.
func (t *Table) stripeOf(user int64) *stripe {
	return &t.stripes[(uint64(user)*0x9e3779b97f4a7c15)>>56]
}

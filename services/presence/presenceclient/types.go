// Package presenceclient is how other services talk to the presence tier:
// it groups users by owning shard, calls the owners in parallel under one
// deadline and merges the answers. A slow or dead shard degrades to Unknown
// for its users instead of failing the whole answer.
package presenceclient

import (
	"errors"
	"time"
)

// State is a user's presence.
type State int

// States; Unknown means the owning shard did not answer.
const (
	Unknown State = iota
	Offline
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
	return "unknown"
}

// Presence is one user's state.
type Presence struct {
	User       int64
	State      State
	LastActive time.Time // zero if never seen
}

// Entry is one connected user as a channel instance reports it.
type Entry struct {
	User int64
	Idle time.Duration
}

// ErrInvalid marks a request the presence tier refuses as malformed or out of
// bounds (a typed InvalidInput, or the same check made before sending);
// retrying it unchanged fails again.
var ErrInvalid = errors.New("invalid presence request")

// ErrUnavailable: no presence instance is known, or none could be reached.
var ErrUnavailable = errors.New("presence unavailable")

// Limits of the PresenceService contract, checked on both ends.
const (
	// MaxReport bounds the entries of one report call.
	MaxReport = 50_000
	// MaxGet bounds the users of one multiGet or changedSince call.
	MaxGet = 10_000
	// MaxReporterLen bounds a reporter id, in bytes.
	MaxReporterLen = 128
	// MinInterval and MaxInterval bound a reporter's interval.
	MinInterval = 100 * time.Millisecond
	MaxInterval = 10 * time.Minute
	// MaxIdle bounds a reported idle time (a year: anything longer is a bug
	// in the reporter, not an idle user).
	MaxIdle = 365 * 24 * time.Hour
)

// Package presenceclient is how other services talk to the presence tier:
// it groups users by owning shard, calls the owners in parallel under one
// deadline and merges the answers. A slow or dead shard degrades to Unknown
// for its users instead of failing the whole answer.
package presenceclient

import "time"

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

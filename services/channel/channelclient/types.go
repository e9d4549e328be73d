// Package channelclient is how other services talk to the channel tier:
// deliveries are grouped by the owning instance of each user and sent in one
// batch per owner, in parallel.
package channelclient

import "errors"

// Status is the outcome of one delivery.
type Status int

// Delivery outcomes.
const (
	// Delivered: enqueued at Epoch/Seq.
	Delivered Status = iota + 1
	// Overflow: the user's queue is full.
	Overflow
	// Invalid: the delivery itself is malformed.
	Invalid
	// Unreachable: the owner could not be reached; the browser will fill
	// the gap from the chatlog when it reconnects.
	Unreachable
)

// Delivery is one JSON payload for one user's queue.
type Delivery struct {
	User    int64
	Payload []byte
}

// Result is what happened to one Delivery.
type Result struct {
	User   int64
	Status Status
	Epoch  int64
	Seq    int64
	Err    error // why, when Status is not Delivered
}

// State is where a user's queue stands, for a handshake.
type State struct {
	Epoch int64
	Seq   int64
	// Owner is the id of the owning channel instance.
	Owner string
	// PollURL is the owner's public poll URL, empty if it advertises none.
	PollURL string
}

// ErrUnavailable: no channel instance could answer.
var ErrUnavailable = errors.New("channel unavailable")

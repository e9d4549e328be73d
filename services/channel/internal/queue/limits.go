package queue

import (
	"errors"
	"fmt"
	"time"
)

// Limits bound every mailbox: what it holds, how long, and how many polls
// may wait on it. DefaultLimits holds every default in one place.
type Limits struct {
	// MaxCount is the most payloads one mailbox holds.
	MaxCount int
	// MaxBytes is the most payload bytes one mailbox holds.
	MaxBytes int
	// MaxPayload is the largest single payload accepted.
	MaxPayload int
	// MaxAge drops a payload this old, acknowledged or not; pollers behind
	// it are then told to reset.
	MaxAge time.Duration
	// AckGrace keeps an acknowledged payload this long, so a second tab
	// that polls a moment later with an older seq still receives it.
	AckGrace time.Duration
	// IdleExpiry drops a mailbox nobody has polled (or asked the state of)
	// for this long, with no poll parked on it.
	IdleExpiry time.Duration
	// SeenGrace keeps a user "connected" this long after its last poll was
	// answered: the browser's next poll is normally a moment away.
	SeenGrace time.Duration
	// MaxPollers is the most polls parked at once for one user (one per tab).
	MaxPollers int
}

// DefaultLimits are the production defaults.
func DefaultLimits() Limits {
	return Limits{
		MaxCount:   500,
		MaxBytes:   512 << 10,
		MaxPayload: 16 << 10,
		MaxAge:     2 * time.Minute,
		AckGrace:   5 * time.Second,
		IdleExpiry: 3 * time.Minute,
		SeenGrace:  10 * time.Second,
		MaxPollers: 8,
	}
}

// Validate reports the first limit that cannot work.
func (l Limits) Validate() error {
	switch {
	case l.MaxCount < 1:
		return fmt.Errorf("queue max count %d: must be at least 1", l.MaxCount)
	case l.MaxPayload < 1:
		return fmt.Errorf("queue max payload %d: must be at least 1", l.MaxPayload)
	case l.MaxBytes < l.MaxPayload:
		return fmt.Errorf("queue max bytes %d: must hold one payload of %d", l.MaxBytes, l.MaxPayload)
	case l.MaxAge <= 0 || l.IdleExpiry <= 0:
		return fmt.Errorf("queue max age %v and idle expiry %v must be positive", l.MaxAge, l.IdleExpiry)
	case l.AckGrace < 0 || l.SeenGrace < 0:
		return fmt.Errorf("queue ack grace %v and seen grace %v must not be negative", l.AckGrace, l.SeenGrace)
	case l.MaxPollers < 1:
		return fmt.Errorf("queue max pollers %d: must be at least 1", l.MaxPollers)
	}
	return nil
}

// Errors the queue returns; adapters map them to typed answers.
var (
	// ErrOverflow: the mailbox is full. The payload was not enqueued, and
	// every poller behind is told to reset (the gap is in the chatlog).
	ErrOverflow = errors.New("queue full")
	// ErrTooLarge: the payload exceeds MaxPayload.
	ErrTooLarge = errors.New("payload too large")
	// ErrBadSeq: a poll's seq is negative, or one the mailbox never assigned.
	ErrBadSeq = errors.New("seq out of range")
	// ErrTooManyPollers: MaxPollers polls are already parked for the user.
	ErrTooManyPollers = errors.New("too many pollers")
	// errGone: the mailbox was dropped from its hub; fetch a fresh one.
	errGone = errors.New("mailbox dropped")
)

package shard

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// MaxBatch is the most deliveries one Deliver call takes.
const MaxBatch = 1000

// ErrBatchTooLarge: a Deliver call exceeds MaxBatch; nothing was delivered.
var ErrBatchTooLarge = fmt.Errorf("delivery batch exceeds %d", MaxBatch)

// ErrInvalidPayload: a payload is not a JSON object.
var ErrInvalidPayload = errors.New("payload is not a JSON object")

// ErrInvalidUser: a user id is not positive.
var ErrInvalidUser = errors.New("user id must be positive")

// Status is the outcome of one delivery.
type Status int

// Delivery outcomes.
const (
	Delivered Status = iota + 1
	NotOwner
	Overflow
	Invalid
)

// Delivery is one payload for one user.
type Delivery struct {
	User    int64
	Payload string
}

// Outcome is what happened to one Delivery.
type Outcome struct {
	Status Status
	Epoch  int64
	Seq    int64              // the payload's seq (Delivered), else the queue's last
	Owner  discovery.Instance // NotOwner
	Err    error              // Overflow, Invalid
}

// Deliver enqueues each payload on its user's mailbox, in order, and wakes
// the polls parked on them once no lock is held.
func (s *Shard) Deliver(ds []Delivery) ([]Outcome, error) {
	if len(ds) > MaxBatch {
		return nil, fmt.Errorf("%w: %d deliveries", ErrBatchTooLarge, len(ds))
	}
	out := make([]Outcome, len(ds))
	var wake []queue.Waiter
	now := s.now()
	s.mu.RLock()
	for i, d := range ds {
		out[i], wake = s.deliver(d, wake, now)
	}
	s.mu.RUnlock()
	for _, w := range wake {
		w.Wake()
	}
	return out, nil
}

func (s *Shard) deliver(d Delivery, wake []queue.Waiter, now time.Time) (Outcome, []queue.Waiter) {
	if d.User <= 0 {
		return Outcome{Status: Invalid, Err: fmt.Errorf("%w: %d", ErrInvalidUser, d.User)}, wake
	}
	if !isObject(d.Payload) {
		return Outcome{Status: Invalid, Err: ErrInvalidPayload}, wake
	}
	if in, mine := s.owner(s.view, d.User); !mine {
		return Outcome{Status: NotOwner, Owner: in}, wake
	}
	epoch, seq, w, err := s.hub.Append(d.User, d.Payload, now)
	wake = append(wake, w...)
	switch {
	case errors.Is(err, queue.ErrOverflow):
		return Outcome{Status: Overflow, Epoch: epoch, Seq: seq, Err: err}, wake
	case err != nil:
		return Outcome{Status: Invalid, Err: err}, wake
	}
	return Outcome{Status: Delivered, Epoch: epoch, Seq: seq}, wake
}

// isObject reports whether p is one valid JSON object: the browser splices
// payloads verbatim into its answers, so one bad payload would break them.
func isObject(p string) bool {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return json.Valid([]byte(p))
		}
		return false
	}
	return false
}

// State returns user's mailbox state, creating the mailbox: what a
// handshake needs to start polling.
func (s *Shard) State(user int64) (queue.State, error) {
	if user <= 0 {
		return queue.State{}, fmt.Errorf("%w: %d", ErrInvalidUser, user)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if in, mine := s.owner(s.view, user); !mine {
		return queue.State{}, &NotOwnerError{User: user, Owner: in}
	}
	return s.hub.State(user, s.now()), nil
}

// Poll answers a poll, parking w when there is nothing to answer; see
// queue.Mailbox.Poll. A user owned elsewhere gets a *NotOwnerError.
func (s *Shard) Poll(user int64, cur queue.Cursor, w queue.Waiter) (queue.Answer, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if in, mine := s.owner(s.view, user); !mine {
		return queue.Answer{}, &NotOwnerError{User: user, Owner: in}
	}
	return s.hub.Poll(user, cur, w, s.now())
}

// Collect answers a woken or timed-out parked poll; see queue.Mailbox.Collect.
func (s *Shard) Collect(user int64, cur queue.Cursor) (queue.Answer, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if in, mine := s.owner(s.view, user); !mine {
		return queue.Answer{}, &NotOwnerError{User: user, Owner: in}
	}
	return s.hub.Collect(user, cur, s.now())
}

// Unpark removes w, a poll that ended without being woken.
func (s *Shard) Unpark(user int64, w queue.Waiter) {
	s.hub.Remove(user, w, s.now())
}

// Connected lists the users with a poll parked or recently answered.
func (s *Shard) Connected() []queue.Connection { return s.hub.Connected(s.now()) }

package chatlogclient

import (
	"context"
	"errors"
	"fmt"
	"sync"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
)

// Limits of one coalesced appendBatch: well inside the server's 500 and the
// 1 MiB frame (64 texts of 4,000 bytes are 256 KiB).
const (
	maxCoalesce      = 64
	maxCoalesceBytes = 256 << 10
)

// DefaultSenders is how many appendBatch calls may be in flight to one
// instance at once (see WithSenders).
const DefaultSenders = 4

// pending is one caller's append waiting for a sender.
type pending struct {
	conv string
	req  *chatlogt.AppendRequest
	res  chan appended // one slot: a sender never waits on a caller that left
}

type appended struct {
	msg Message
	err error
}

// sender coalesces the appends bound for one instance: each of its
// goroutines takes everything queued (up to the limits) and sends it as one
// appendBatch, so concurrent sends share a round trip, as they share an
// fsync on the server. An idle goroutine sends a lone append at once: no
// waiting is added.
type sender struct {
	addr string
	// wake has one slot: a push sets it, and a goroutine that leaves work
	// behind sets it again, so an idle goroutine picks the rest up.
	wake chan struct{}
	stop chan struct{} // closed when the instance leaves the view or on Close

	mu      sync.Mutex
	queue   []*pending
	stopped bool
}

// push queues p; false when the sender has stopped.
func (s *sender) push(p *pending) bool {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return false
	}
	s.queue = append(s.queue, p)
	s.mu.Unlock()
	s.signal()
	return true
}

func (s *sender) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// take removes the next batch from the queue.
func (s *sender) take() []*pending {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, size := 0, 0
	for n < len(s.queue) && n < maxCoalesce && (n == 0 || size+len(s.queue[n].req.Text) <= maxCoalesceBytes) {
		size += len(s.queue[n].req.Text)
		n++
	}
	batch := s.queue[:n:n]
	s.queue = s.queue[n:]
	if len(s.queue) > 0 {
		s.signal()
	}
	return batch
}

func (s *sender) halt() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	close(s.stop)
}

// run is one of the sender's goroutines, owned by the Client (Close waits
// for it). Stopped, it still answers whatever is queued, each append on its
// own: Close makes those fail at once; after a view change they go to the
// new owner.
func (c *Client) run(s *sender) {
	defer c.wg.Done()
	for {
		select {
		case <-s.wake:
			for batch := s.take(); len(batch) > 0; batch = s.take() {
				c.send(s.addr, batch)
			}
		case <-s.stop:
			for batch := s.take(); len(batch) > 0; batch = s.take() {
				c.each(batch)
			}
			return
		}
	}
}

// send stores batch with one appendBatch at addr. If one request spoils it
// (InvalidInput) or the instance disowns a conversation (NotOwner), nothing
// was stored: each append is then sent on its own to get its own answer.
func (c *Client) send(addr string, batch []*pending) {
	if len(batch) == 1 {
		c.each(batch)
		return
	}
	reqs := make([]*chatlogt.AppendRequest, len(batch))
	for i, p := range batch {
		reqs[i] = p.req
	}
	var out []*commont.Message
	err := c.call(context.Background(), c.res.View(), "appendBatch", addr, func(ctx context.Context, cl *chatlogt.ChatlogServiceClient) error {
		var err error
		out, err = cl.AppendBatch(ctx, reqs)
		return err
	})
	var no *commont.NotOwner
	switch {
	case err == nil && len(out) == len(batch):
		for i, p := range batch {
			p.res <- appended{msg: message(out[i])}
		}
		return
	case errors.Is(err, ErrInvalid) || errors.As(err, &no):
		c.each(batch)
		return
	case err == nil:
		err = fmt.Errorf("%w: appendBatch at %s answered %d messages for %d", ErrUnavailable, addr, len(out), len(batch))
	}
	for _, p := range batch {
		p.res <- appended{err: err}
	}
}

// each sends every append of batch on its own, routed by the current view.
func (c *Client) each(batch []*pending) {
	for _, p := range batch {
		m, err := c.appendOne(context.Background(), p.conv, p.req)
		p.res <- appended{m, err}
	}
}

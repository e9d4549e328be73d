package chattest

import (
	"context"
	"slices"
	"sync"

	"github.com/thriftchat/thriftchat/services/channel/channelclient"
)

// Channel records deliveries per user and hands out seqs, like one channel
// instance owning everyone.
type Channel struct {
	mu     sync.Mutex
	queues map[int64][][]byte
	fail   error
	down   map[int64]bool
}

// Epoch is the epoch of every fake queue.
const Epoch = 42

// NewChannel returns a Channel with empty queues.
func NewChannel() *Channel {
	return &Channel{queues: map[int64][][]byte{}, down: map[int64]bool{}}
}

// Fail makes every later call return err (nil: succeed again).
func (c *Channel) Fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fail = err
}

// Unreachable makes deliveries to user come back Unreachable.
func (c *Channel) Unreachable(user int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down[user] = true
}

// Payloads returns what was delivered to user, oldest first.
func (c *Channel) Payloads(user int64) [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.queues[user])
}

// Deliver implements chat.Channel.
func (c *Channel) Deliver(ctx context.Context, ds []channelclient.Delivery) ([]channelclient.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err // as a real call on a dead context would
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return nil, c.fail
	}
	out := make([]channelclient.Result, len(ds))
	for i, d := range ds {
		if c.down[d.User] {
			out[i] = channelclient.Result{User: d.User, Status: channelclient.Unreachable, Err: channelclient.ErrUnavailable}
			continue
		}
		c.queues[d.User] = append(c.queues[d.User], slices.Clone(d.Payload))
		out[i] = channelclient.Result{User: d.User, Status: channelclient.Delivered, Epoch: Epoch, Seq: int64(len(c.queues[d.User]))}
	}
	return out, nil
}

// State implements chat.Channel.
func (c *Channel) State(_ context.Context, user int64) (channelclient.State, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return channelclient.State{}, c.fail
	}
	return channelclient.State{Epoch: Epoch, Seq: int64(len(c.queues[user])), Owner: "fake"}, nil
}

package chatlogclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
)

// Client calls the chatlog tier. It is safe for concurrent use; each instance
// gets its own connection pool, because generated clients are not, and its
// own sender, which coalesces concurrent appends (see sender).
type Client struct {
	res      discovery.Resolver
	timeout  time.Duration
	nSenders int
	pools    *rpc.Pools[*chatlogt.ChatlogServiceClient]

	mu      sync.Mutex
	senders map[string]*sender // by Thrift address
	pruned  *discovery.View    // the view senders were last pruned against
	closed  bool
	wg      sync.WaitGroup // the senders' goroutines
}

// Option tunes a Client.
type Option func(*Client)

// WithCallTimeout bounds each call to one instance (default
// rpc.DefaultCallTimeout); the caller's context may end it sooner.
func WithCallTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithSenders sets how many calls carrying coalesced appends may be in
// flight to one instance (default DefaultSenders); 0 sends every append as a
// call of its own.
func WithSenders(n int) Option {
	return func(c *Client) {
		if n >= 0 {
			c.nSenders = n
		}
	}
}

// New returns a client that finds chatlog instances through res. The client
// does not own res: closing the client leaves it open.
func New(res discovery.Resolver, opts ...Option) *Client {
	c := &Client{
		res: res, timeout: rpc.DefaultCallTimeout, nSenders: DefaultSenders,
		pools: rpc.NewPools(chatlogt.NewChatlogServiceClient), senders: map[string]*sender{},
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Close closes every pooled connection and stops the senders; appends still
// queued, and later calls, fail with ErrUnavailable.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	// Pools first: a halted sender's goroutine drains its queue through pool,
	// which must already fail.
	c.pools.Close()
	for addr, s := range c.senders {
		s.halt()
		delete(c.senders, addr)
	}
	c.mu.Unlock()
	// Outside the lock: Appends arriving meanwhile find the client closed at
	// once instead of waiting for the senders to drain.
	c.wg.Wait()
	return nil
}

// pool returns the pool for addr; see rpc.Pools.Get.
func (c *Client) pool(addr string, view *discovery.View) (*rpc.Pool[*chatlogt.ChatlogServiceClient], error) {
	p := c.pools.Get(view, addr)
	if p == nil {
		return nil, fmt.Errorf("%w: client closed", ErrUnavailable)
	}
	return p, nil
}

// sender returns the running sender for addr, or nil when the client is
// closed or coalescing is off.
func (c *Client) sender(addr string, view *discovery.View) *sender {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.nSenders == 0 {
		return nil
	}
	c.prune(view, addr)
	s, ok := c.senders[addr]
	if !ok {
		s = &sender{addr: addr, wake: make(chan struct{}, 1), stop: make(chan struct{})}
		c.senders[addr] = s
		for range c.nSenders {
			c.wg.Add(1)
			go c.run(s) // owned by the Client: Close halts s and waits
		}
	}
	return s
}

// prune stops the senders of instances that left the view, so a churning
// tier does not pile up goroutines (rpc.Pools does the same for the pools);
// keep is spared (an owner named by NotOwner may not be in our view yet).
// c.mu is held.
func (c *Client) prune(view *discovery.View, keep string) {
	if view == c.pruned {
		return
	}
	c.pruned = view
	live := map[string]bool{keep: true}
	for _, in := range view.Instances() {
		live[in.Addr] = true
	}
	for a, s := range c.senders {
		if !live[a] {
			s.halt() // its queue is re-sent by the new view
			delete(c.senders, a)
		}
	}
}

// call runs fn on the instance at addr under the per-call timeout and maps
// what came back: InvalidInput to ErrInvalid, anything but NotOwner (which is
// returned as is for the caller to follow) to ErrUnavailable.
func (c *Client) call(ctx context.Context, view *discovery.View, method, addr string, fn func(context.Context, *chatlogt.ChatlogServiceClient) error) error {
	p, err := c.pool(addr, view)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	err = p.Call(ctx, fn)
	var invalid *commont.InvalidInput
	var notOwner *commont.NotOwner
	switch {
	case err == nil:
		return nil
	case errors.As(err, &invalid):
		if invalid.Field != "" {
			return fmt.Errorf("%w: %s: %s", ErrInvalid, invalid.Field, invalid.Message)
		}
		return fmt.Errorf("%w: %s", ErrInvalid, invalid.Message)
	case errors.As(err, &notOwner):
		return notOwner
	default:
		return fmt.Errorf("%w: %s at %s: %w", ErrUnavailable, method, addr, err)
	}
}

// routed calls the owner of conv. A NotOwner answer means one of the two views
// is stale; the call is retried once at the owner the instance named.
func (c *Client) routed(ctx context.Context, method, conv string, fn func(context.Context, *chatlogt.ChatlogServiceClient) error) error {
	view := c.res.View()
	owner, ok := view.Owner(discovery.HashString(conv))
	if !ok {
		return fmt.Errorf("%w: %s %s: no chatlog instance", ErrUnavailable, method, conv)
	}
	err := c.call(ctx, view, method, owner.Addr, fn)
	var notOwner *commont.NotOwner
	if !errors.As(err, &notOwner) {
		return err
	}
	if notOwner.OwnerAddr == "" || notOwner.OwnerAddr == owner.Addr {
		return fmt.Errorf("%w: %s %s: %s names no other owner", ErrUnavailable, method, conv, owner.Addr)
	}
	err = c.call(ctx, view, method, notOwner.OwnerAddr, fn)
	if errors.As(err, &notOwner) {
		return fmt.Errorf("%w: %s %s: owners disagree (%s, then %s)", ErrUnavailable, method, conv, owner.Addr, notOwner.OwnerAddr)
	}
	return err
}

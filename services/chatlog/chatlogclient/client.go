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
// gets its own connection pool, because generated clients are not.
type Client struct {
	res     discovery.Resolver
	timeout time.Duration

	mu     sync.Mutex
	pools  map[string]*rpc.Pool[*chatlogt.ChatlogServiceClient] // by Thrift address
	pruned *discovery.View                                      // the view pools were last pruned against
	closed bool
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

// New returns a client that finds chatlog instances through res. The client
// does not own res: closing the client leaves it open.
func New(res discovery.Resolver, opts ...Option) *Client {
	c := &Client{res: res, timeout: rpc.DefaultCallTimeout, pools: map[string]*rpc.Pool[*chatlogt.ChatlogServiceClient]{}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Close closes every pooled connection; later calls fail with ErrUnavailable.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for addr, p := range c.pools {
		p.Close()
		delete(c.pools, addr)
	}
	return nil
}

// pool returns the pool for addr, first closing the pools of instances that
// left the current view so a churning tier does not pile up idle sockets.
func (c *Client) pool(addr string, view *discovery.View) (*rpc.Pool[*chatlogt.ChatlogServiceClient], error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, fmt.Errorf("%w: client closed", ErrUnavailable)
	}
	if view != c.pruned {
		c.pruned = view
		live := map[string]bool{addr: true}
		for _, in := range view.Instances() {
			live[in.Addr] = true
		}
		for a, p := range c.pools {
			if !live[a] {
				p.Close() // calls in flight on it finish and close their connection
				delete(c.pools, a)
			}
		}
	}
	p, ok := c.pools[addr]
	if !ok {
		p = rpc.NewPool(addr, chatlogt.NewChatlogServiceClient)
		c.pools[addr] = p
	}
	return p, nil
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

package channelclient

import (
	"sync"
	"time"

	channelt "github.com/thriftchat/thriftchat/gen-go/channel"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
)

// DefaultTimeout bounds each owner's part of a call; see WithTimeout.
const DefaultTimeout = 2 * time.Second

// Limits of the ChannelService contract, checked before sending.
const (
	// MaxPayload is the largest payload the protocol carries.
	MaxPayload = 16 << 10
	// maxBatch is the most deliveries in one deliver call.
	maxBatch = 1000
	// maxBatchBytes keeps one deliver call well inside the 1 MiB frame.
	maxBatchBytes = 512 << 10
)

// Option tunes a Client.
type Option func(*Client)

// WithTimeout bounds each owner's part of a call (a retry at a named owner
// gets its own); the caller's ctx may cut it shorter.
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// Client delivers to and asks the channel tier. It is safe for concurrent
// use; it pools connections per instance.
type Client struct {
	res     discovery.Resolver
	timeout time.Duration

	mu     sync.Mutex
	pools  map[string]*rpc.Pool[*channelt.ChannelServiceClient] // by Thrift address
	pruned *discovery.View                                      // view the pools were last pruned against
	closed bool
}

// New returns a client that finds each user's owner through res. It does
// not close res.
func New(res discovery.Resolver, opts ...Option) *Client {
	c := &Client{res: res, timeout: DefaultTimeout, pools: map[string]*rpc.Pool[*channelt.ChannelServiceClient]{}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Close closes idle connections; calls in flight finish on theirs.
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

// pool returns the pool for addr, or nil once closed. Pools of instances
// that left the view are closed when a newer view is first seen; an
// address named by NOT_OWNER but not in the view still gets one.
func (c *Client) pool(addr string) *rpc.Pool[*channelt.ChannelServiceClient] {
	v := c.res.View()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	if c.pruned != v {
		keep := map[string]bool{}
		for _, in := range v.Instances() {
			keep[in.Addr] = true
		}
		for a, p := range c.pools {
			if !keep[a] {
				p.Close()
				delete(c.pools, a)
			}
		}
		c.pruned = v
	}
	p, ok := c.pools[addr]
	if !ok {
		p = rpc.NewPool(addr, channelt.NewChannelServiceClient)
		c.pools[addr] = p
	}
	return p
}

package channelclient

import (
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
	pools   *rpc.Pools[*channelt.ChannelServiceClient]
}

// New returns a client that finds each user's owner through res. It does
// not close res.
func New(res discovery.Resolver, opts ...Option) *Client {
	c := &Client{res: res, timeout: DefaultTimeout, pools: rpc.NewPools(channelt.NewChannelServiceClient)}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Close closes idle connections; calls in flight finish on theirs.
func (c *Client) Close() error { return c.pools.Close() }

// pool returns the pool for addr, or nil once closed; see rpc.Pools.Get.
func (c *Client) pool(addr string) *rpc.Pool[*channelt.ChannelServiceClient] {
	return c.pools.Get(c.res.View(), addr)
}

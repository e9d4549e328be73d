package presenceclient

import (
	"sync"
	"time"

	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
)

// Default deadlines; see WithTimeout and WithReportTimeout.
const (
	DefaultTimeout       = 500 * time.Millisecond
	DefaultReportTimeout = 3 * time.Second
)

// reportChunk is the most entries sent in one report call: an entry takes 19
// bytes in the binary protocol, so MaxReport of them (950 kB) fit the
// transport's 1 MiB frame.
const reportChunk = MaxReport

// Option tunes a Client.
type Option func(*Client)

// WithTimeout bounds each shard's answer to Get and Changes; a shard that has
// not answered by then counts as Unknown. The caller's ctx may cut it shorter.
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// WithReportTimeout bounds each shard's part of a Report.
func WithReportTimeout(d time.Duration) Option { return func(c *Client) { c.reportTimeout = d } }

// WithShardErrors calls fn with each shard failure that a read absorbed as
// Unknown, for logs and metrics; fn may be called from several goroutines.
func WithShardErrors(fn func(addr string, err error)) Option {
	return func(c *Client) { c.onError = fn }
}

// Client reads and feeds the presence tier. It is safe for concurrent use.
type Client struct {
	res           discovery.Resolver
	timeout       time.Duration
	reportTimeout time.Duration
	onError       func(addr string, err error)

	mu     sync.Mutex
	pools  map[string]*rpc.Pool[*presencet.PresenceServiceClient] // by Thrift address
	pruned *discovery.View                                        // the view pools were last pruned against
	closed bool
}

// New returns a client that finds presence owners through res. The client
// does not close res.
func New(res discovery.Resolver, opts ...Option) *Client {
	c := &Client{
		res:           res,
		timeout:       DefaultTimeout,
		reportTimeout: DefaultReportTimeout,
		pools:         map[string]*rpc.Pool[*presencet.PresenceServiceClient]{},
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Close closes the idle connections; calls in flight finish on theirs.
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

// pool returns the connection pool for addr, or nil once the client is closed.
// Pools of instances that left the view are closed the first time a newer
// view is seen, so a churning tier does not leak connections.
func (c *Client) pool(v *discovery.View, addr string) *rpc.Pool[*presencet.PresenceServiceClient] {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	if c.pruned != v {
		c.prune(v)
	}
	p, ok := c.pools[addr]
	if !ok {
		p = rpc.NewPool(addr, presencet.NewPresenceServiceClient)
		c.pools[addr] = p
	}
	return p
}

// prune closes pools for addresses not in v; c.mu is held. Calls in flight on
// a closed pool still finish: Pool.Close only drops idle connections.
func (c *Client) prune(v *discovery.View) {
	keep := make(map[string]bool, v.Len())
	for _, in := range v.Instances() {
		keep[in.Addr] = true
	}
	for addr, p := range c.pools {
		if !keep[addr] {
			p.Close()
			delete(c.pools, addr)
		}
	}
	c.pruned = v
}

// owners groups the positions of users by the Thrift address of their owner
// in v; users of an empty view land under "".
func owners(v *discovery.View, users []int64) map[string][]int {
	groups := make(map[string][]int, v.Len())
	for i, u := range users {
		in, _ := v.Owner(discovery.HashUser(u))
		groups[in.Addr] = append(groups[in.Addr], i)
	}
	return groups
}

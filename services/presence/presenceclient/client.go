package presenceclient

import (
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
	pools         *rpc.Pools[*presencet.PresenceServiceClient]
}

// New returns a client that finds presence owners through res. The client
// does not close res.
func New(res discovery.Resolver, opts ...Option) *Client {
	c := &Client{
		res:           res,
		timeout:       DefaultTimeout,
		reportTimeout: DefaultReportTimeout,
		pools:         rpc.NewPools(presencet.NewPresenceServiceClient),
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Close closes the idle connections; calls in flight finish on theirs.
func (c *Client) Close() error { return c.pools.Close() }

// pool returns the connection pool for addr, or nil once the client is
// closed; see rpc.Pools.Get.
func (c *Client) pool(v *discovery.View, addr string) *rpc.Pool[*presencet.PresenceServiceClient] {
	return c.pools.Get(v, addr)
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

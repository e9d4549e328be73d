package rpc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
)

// DefaultCallTimeout bounds a call whose context has no deadline.
const DefaultCallTimeout = 5 * time.Second

// Pool keeps idle connections to one address, each with its generated client
// of type C. Generated clients are not safe for concurrent use, so a
// connection serves one call at a time; concurrent calls take more of them.
type Pool[C any] struct {
	addr      string
	newClient func(thrift.TClient) C
	maxIdle   int

	mu     sync.Mutex
	idle   []*conn[C]
	closed bool
}

type conn[C any] struct {
	net    net.Conn
	client C
	used   time.Time
}

// maxIdleTime stays well under the server's IdleTimeout, so a pooled
// connection is never one the server is about to close.
const maxIdleTime = time.Minute

// NewPool makes a pool for addr; newClient wraps a TClient in the generated
// service client (for example channel.NewChannelServiceClient).
func NewPool[C any](addr string, newClient func(thrift.TClient) C) *Pool[C] {
	return &Pool[C]{addr: addr, newClient: newClient, maxIdle: 128}
}

// Addr is the address the pool dials.
func (p *Pool[C]) Addr() string { return p.addr }

// Call runs fn with a client under ctx's deadline (DefaultCallTimeout when it
// has none). A connection that fails below the IDL (transport, protocol,
// deadline) is dropped; the next call dials afresh.
func (p *Pool[C]) Call(ctx context.Context, fn func(ctx context.Context, c C) error) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultCallTimeout)
		defer cancel()
	}
	c, err := p.get(ctx)
	if err != nil {
		return err
	}
	deadline, _ := ctx.Deadline()
	c.net.SetDeadline(deadline)
	// A cancelled context unblocks the read at once instead of at the deadline.
	stop := context.AfterFunc(ctx, func() { c.net.SetDeadline(time.Unix(1, 0)) })
	err = fn(ctx, c.client)
	if !stop() || !reusable(err) {
		c.net.Close()
		if ctx.Err() != nil && err != nil {
			return fmt.Errorf("call %s: %w (%w)", p.addr, ctx.Err(), err)
		}
		return err
	}
	p.put(c)
	return err
}

// reusable reports whether the connection is in step after err: a typed IDL
// exception or an application error was a complete reply.
func reusable(err error) bool {
	var te thrift.TException
	if err == nil {
		return true
	}
	return errors.As(err, &te) && (te.TExceptionType() == thrift.TExceptionTypeCompiled ||
		te.TExceptionType() == thrift.TExceptionTypeApplication)
}

func (p *Pool[C]) get(ctx context.Context) (*conn[C], error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, fmt.Errorf("call %s: pool closed", p.addr)
	}
	for n := len(p.idle); n > 0; n = len(p.idle) {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		if time.Since(c.used) < maxIdleTime && alive(c.net) {
			p.mu.Unlock()
			return c, nil
		}
		c.net.Close()
	}
	p.mu.Unlock()
	return p.dial(ctx)
}

func (p *Pool[C]) dial(ctx context.Context) (*conn[C], error) {
	d := net.Dialer{Timeout: Config().ConnectTimeout}
	nc, err := d.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", p.addr, err)
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	cfg := Config()
	prot := protocol(thrift.NewStreamTransportRW(nc), cfg)
	return &conn[C]{net: nc, client: p.newClient(thrift.NewTStandardClient(prot, prot))}, nil
}

func (p *Pool[C]) put(c *conn[C]) {
	c.net.SetDeadline(time.Time{})
	c.used = time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.idle) >= p.maxIdle {
		c.net.Close()
		return
	}
	p.idle = append(p.idle, c)
}

// Close closes idle connections; calls in flight finish and close theirs.
func (p *Pool[C]) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, c := range p.idle {
		c.net.Close()
	}
	p.idle = nil
	return nil
}

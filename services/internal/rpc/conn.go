package rpc

import (
	"context"
	"net"
	"sync"

	"github.com/apache/thrift/lib/go/thrift"
)

// serverConn is an accepted connection that knows whether a call is under
// way, so Shutdown can close it between calls and never in the middle of one.
type serverConn struct {
	net.Conn
	mu     sync.Mutex
	busy   bool
	closed bool
}

// setBusy records the state and reports whether the connection is still open.
func (c *serverConn) setBusy(b bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy = b
	return !c.closed
}

func (c *serverConn) closeIfIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.busy && !c.closed {
		c.closed = true
		c.Conn.Close()
	}
}

func (c *serverConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	return c.Conn.Close()
}

// beginHook calls onBegin once a call's header has arrived.
type beginHook struct {
	thrift.TProtocol
	onBegin func()
}

func (p *beginHook) ReadMessageBegin(ctx context.Context) (string, thrift.TMessageType, int32, error) {
	name, typ, seq, err := p.TProtocol.ReadMessageBegin(ctx)
	if err == nil {
		p.onBegin()
	}
	return name, typ, seq, err
}

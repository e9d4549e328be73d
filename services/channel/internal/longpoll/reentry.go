package longpoll

import (
	"errors"
	"net"
	"sync"
)

// reentry is the HTTP server's listener. Besides fresh TCP connections it
// yields the kept-alive connections of answered parked polls, which were
// hijacked away from net/http, so net/http reads their next request.
type reentry struct {
	net.Listener
	fresh  chan accepted // unbuffered: the pump hands over one at a time
	back   chan net.Conn // unbuffered: Return waits for the accept loop
	done   chan struct{} // closed by Close
	pumped chan struct{} // closed when the pump has exited
	once   sync.Once
}

type accepted struct {
	conn net.Conn
	err  error
}

// newReentry starts the pump that accepts from ln; Close stops it.
func newReentry(ln net.Listener) *reentry {
	l := &reentry{Listener: ln, fresh: make(chan accepted), back: make(chan net.Conn),
		done: make(chan struct{}), pumped: make(chan struct{})}
	go l.pump()
	return l
}

// pump is owned by the listener: it turns the blocking Accept into channel
// sends so that Accept can wait on fresh and returned connections at once.
func (l *reentry) pump() {
	defer close(l.pumped)
	for {
		c, err := l.Listener.Accept()
		select {
		case l.fresh <- accepted{c, err}:
		case <-l.done:
			if c != nil {
				c.Close()
			}
			return
		}
		var ne net.Error
		if err != nil && !(errors.As(err, &ne) && ne.Timeout()) {
			return // the listener is broken; Accept has passed the error on
		}
	}
}

// Accept returns the next fresh or returned connection.
func (l *reentry) Accept() (net.Conn, error) {
	select {
	case c := <-l.back:
		return c, nil
	case a := <-l.fresh:
		return a.conn, a.err
	case <-l.done:
		return nil, net.ErrClosed
	case <-l.pumped:
		return nil, net.ErrClosed
	}
}

// Return hands a kept-alive connection back to the HTTP server; after Close
// it closes the connection instead and reports false.
func (l *reentry) Return(c net.Conn) bool {
	select {
	case l.back <- c:
		return true
	case <-l.done:
		c.Close()
		return false
	}
}

// Close stops accepting; safe to call more than once.
func (l *reentry) Close() error {
	err := net.ErrClosed
	l.once.Do(func() {
		close(l.done)
		err = l.Listener.Close()
	})
	return err
}

// wait blocks until the pump has exited (after Close).
func (l *reentry) wait() { <-l.pumped }

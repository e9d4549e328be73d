package longpoll

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// errClosed: the server is shutting down and takes no more connections.
var errClosed = errors.New("long-poll server closed")

// reactor watches the lot's connections for input and hangups.
type reactor interface {
	add(fd int32, gen uint32) error
	del(fd int32)
	close()
}

// lot holds the hijacked connections, parked or idle, by descriptor; its
// reactor reports their input, and it owns the goroutines that answer
// outside net/http (slow writes, hold timers).
type lot struct {
	s     *Server
	react reactor
	// keepsIdle: the reactor reads idle connections' next requests (Linux).
	// Without it an answered connection goes back to net/http instead.
	keepsIdle bool

	mu     sync.Mutex // a leaf lock: nothing else is taken while it is held
	conns  map[int32]*pconn
	gen    uint32 // tells a descriptor's registrations apart across reuse
	closed bool
	wg     sync.WaitGroup // goroutines answering polls
}

func newLot(s *Server, log zerolog.Logger) (*lot, error) {
	l := &lot{s: s, conns: map[int32]*pconn{}}
	r, keepsIdle, err := newReactor(l, log)
	if err != nil {
		return nil, fmt.Errorf("long-poll reactor: %w", err)
	}
	l.react, l.keepsIdle = r, keepsIdle
	return l, nil
}

func (l *lot) register(pc *pconn) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return errClosed
	}
	l.gen++
	pc.gen = l.gen
	if err := l.react.add(pc.fd, pc.gen); err != nil {
		return fmt.Errorf("watch fd %d: %w", pc.fd, err)
	}
	l.conns[pc.fd] = pc
	return nil
}

// forget unregisters pc; its descriptor stays open.
func (l *lot) forget(pc *pconn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conns[pc.fd] == pc {
		delete(l.conns, pc.fd)
		l.react.del(pc.fd)
	}
}

// event is the reactor's report of input (a request, bytes, a hangup) on
// registration (fd, gen).
func (l *lot) event(fd int32, gen uint32) {
	l.mu.Lock()
	pc := l.conns[fd]
	l.mu.Unlock()
	if pc == nil || pc.gen != gen {
		return // a stale event of a descriptor since closed or reused
	}
	// Note the input first, then act if the state allows; whoever moves the
	// connection into idle or parked later looks at pending (see rest, park).
	pc.pending.Store(true)
	switch pc.state.Load() {
	case stateIdle:
		if pc.state.CompareAndSwap(stateIdle, stateReading) {
			pc.pending.Store(false)
			l.s.serveWire(pc)
		}
	case stateParked:
		pc.close() // a long-poll client sends nothing while parked: it left
	}
}

// rest moves an answered connection (held in state from) to idle, to wait
// for its next request, or hands it back to net/http without a reactor.
func (l *lot) rest(pc *pconn, from int32) {
	if !l.keepsIdle {
		pc.handoff(nil)
		return
	}
	pc.idle.Store(time.Now().UnixNano())
	if !pc.state.CompareAndSwap(from, stateIdle) {
		return
	}
	if pc.pending.Load() && pc.state.CompareAndSwap(stateIdle, stateReading) {
		pc.pending.Store(false)
		l.s.serveWire(pc) // the next request came in while answering
	}
}

// sweep closes connections idle for longer than idleTimeout.
func (l *lot) sweep(now time.Time) {
	cutoff := now.Add(-idleTimeout).UnixNano()
	for _, pc := range l.snapshot() {
		if pc.state.Load() == stateIdle && pc.idle.Load() < cutoff && pc.state.CompareAndSwap(stateIdle, stateReading) {
			pc.close()
		}
	}
}

// spawn runs fn on a goroutine the lot owns (close waits for it); once the
// lot is closed it runs nothing and reports false.
func (l *lot) spawn(fn func()) bool {
	if !l.enter() {
		return false
	}
	go func() {
		defer l.wg.Done()
		fn()
	}()
	return true
}

// enter counts a goroutine in; false once closed.
func (l *lot) enter() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.wg.Add(1)
	return true
}

func (l *lot) snapshot() []*pconn {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]*pconn, 0, len(l.conns))
	for _, pc := range l.conns {
		out = append(out, pc)
	}
	return out
}

// close closes every connection, waits for the answering goroutines and
// stops the reactor.
func (l *lot) close() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	for _, pc := range l.snapshot() {
		pc.close()
	}
	l.wg.Wait()
	l.react.close()
}

package longpoll

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// errClosed: the server is shutting down and parks nothing more.
var errClosed = errors.New("long-poll server closed")

// lot holds the parked polls: a registry by file descriptor, which the
// hangup watcher reports on and Drain walks, and the goroutines that answer
// polls outside net/http.
type lot struct {
	watch watcher
	gauge prometheus.Gauge // parked polls

	mu     sync.Mutex // a leaf lock: nothing else is taken while it is held
	polls  map[int32]*parked
	gen    uint32 // tells a descriptor's registrations apart across reuse
	closed bool
	wg     sync.WaitGroup // answering goroutines and hold timers in flight
}

func newLot(gauge prometheus.Gauge, log zerolog.Logger) (*lot, error) {
	l := &lot{gauge: gauge, polls: map[int32]*parked{}}
	w, err := newWatcher(l.hangup, log)
	if err != nil {
		return nil, fmt.Errorf("long-poll hangup watcher: %w", err)
	}
	l.watch = w
	return l, nil
}

// connFD is the connection's descriptor, the registry's key.
func connFD(c net.Conn) (int32, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return 0, fmt.Errorf("connection %T has no descriptor", c)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0, err
	}
	var fd int32
	if err := rc.Control(func(f uintptr) { fd = int32(f) }); err != nil {
		return 0, err
	}
	return fd, nil
}

// add registers p unless it already ended (a race with its own wake), in
// which case there is nothing to do: see parked.end.
func (l *lot) add(p *parked) error {
	fd, err := connFD(p.conn)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return errClosed
	}
	if p.state.Load() != stateParked {
		return nil
	}
	l.gen++
	p.fd, p.gen = fd, l.gen
	if err := l.watch.add(fd, p.gen); err != nil {
		return fmt.Errorf("watch fd %d: %w", fd, err)
	}
	l.polls[fd] = p
	l.gauge.Inc()
	return nil
}

// remove unregisters p, if registered; the descriptor stays open.
func (l *lot) remove(p *parked) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if q := l.polls[p.fd]; q == p {
		delete(l.polls, p.fd)
		l.watch.del(p.fd)
		l.gauge.Dec()
	}
}

// hangup is the watcher's report that a parked poll's peer closed (or sent
// something, which a long-poll client never does while parked).
func (l *lot) hangup(fd int32, gen uint32) {
	l.mu.Lock()
	p := l.polls[fd]
	l.mu.Unlock()
	if p != nil && p.gen == gen {
		p.end(reasonGone)
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

// snapshot lists the parked polls, for Drain.
func (l *lot) snapshot() []*parked {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]*parked, 0, len(l.polls))
	for _, p := range l.polls {
		out = append(out, p)
	}
	return out
}

// close hangs up every poll still parked, stops the watcher and waits for
// the answering goroutines.
func (l *lot) close() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	for _, p := range l.snapshot() {
		p.end(reasonGone)
	}
	l.wg.Wait()
	l.watch.close()
}

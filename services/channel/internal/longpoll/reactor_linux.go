package longpoll

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rs/zerolog"
)

// epollReactor watches every connection of the lot from one epoll set and
// one goroutine, whatever their number: a goroutine blocked in Read per
// connection would cost a stack each. The set is separate from Go's own
// netpoller, which keeps the descriptors too; a descriptor may be in both.
// The set's own descriptor is in turn watched by Go's netpoller, so the
// reactor's goroutine parks like any network read instead of holding a
// thread in epoll_wait. It reads idle connections' requests itself
// (serveWire): they are small, arrive whole, and are answered or parked
// without blocking.
type epollReactor struct {
	epfd int
	file *os.File // epfd, for Go's netpoller
	lot  *lot
	log  zerolog.Logger
	done chan struct{}
	// closing is set by close before it closes file, so run knows the
	// error that wakes it is the close (RawConn.Read returns the poller's
	// own "use of closed file", which os.ErrClosed does not match).
	closing atomic.Bool
}

// watchEvents: input or hangup, edge-triggered (EPOLLET, 1<<31): one event
// per arrival, not one per wait while the input stays unread.
const watchEvents uint32 = syscall.EPOLLIN | syscall.EPOLLRDHUP | 1<<31

// sweepEvery is how often idle connections are checked for idleTimeout.
const sweepEvery = 10 * time.Second

func newReactor(l *lot, log zerolog.Logger) (reactor, bool, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, false, fmt.Errorf("epoll_create1: %w", err)
	}
	if err := syscall.SetNonblock(epfd, true); err != nil {
		syscall.Close(epfd)
		return nil, false, fmt.Errorf("epoll set nonblocking: %w", err)
	}
	r := &epollReactor{epfd: epfd, file: os.NewFile(uintptr(epfd), "epoll"), lot: l, log: log, done: make(chan struct{})}
	raw, err := r.file.SyscallConn()
	if err != nil {
		r.file.Close()
		return nil, false, err
	}
	go r.run(raw)
	return r, true, nil
}

func (r *epollReactor) add(fd int32, gen uint32) error {
	// The event's 64-bit user data carries the descriptor and its
	// registration's generation, so a stale event for a reused descriptor
	// is recognised and ignored.
	ev := syscall.EpollEvent{Events: watchEvents, Fd: fd, Pad: int32(gen)}
	return syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_ADD, int(fd), &ev)
}

func (r *epollReactor) del(fd int32) {
	syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_DEL, int(fd), nil)
}

// run is the reactor's one goroutine; close ends it. It takes the ready
// events without waiting, and parks in Go's netpoller while there are none;
// a read deadline wakes it for the idle sweep.
func (r *epollReactor) run(raw syscall.RawConn) {
	defer close(r.done)
	events := make([]syscall.EpollEvent, 256)
	for {
		r.file.SetReadDeadline(time.Now().Add(sweepEvery))
		err := raw.Read(func(uintptr) bool {
			for {
				n, err := syscall.EpollWait(r.epfd, events, 0)
				if errors.Is(err, syscall.EINTR) {
					continue
				}
				if err != nil {
					return true
				}
				for _, ev := range events[:n] {
					r.lot.event(ev.Fd, uint32(ev.Pad))
				}
				if n < len(events) {
					// All taken: park until the set is readable again. An
					// event that came in meanwhile has made it readable
					// already, so parking returns at once.
					return false
				}
			}
		})
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			r.lot.sweep(time.Now())
		case err != nil:
			if !r.closing.Load() {
				r.log.Error().Err(err).Msg("epoll reactor failed; kept-alive connections are no longer served")
			}
			return
		}
	}
}

func (r *epollReactor) close() {
	r.closing.Store(true)
	r.file.Close() // wakes run with an error
	<-r.done
}

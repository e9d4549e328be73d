package longpoll

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/rs/zerolog"
)

// epollWatcher reports hangups of parked connections from one epoll set and
// one goroutine, whatever the number of parked polls: a goroutine blocked in
// Read per poll would cost a stack each. The set is separate from Go's own
// netpoller, which keeps the descriptors too; a descriptor may be in both.
type epollWatcher struct {
	epfd   int
	stop   [2]int // a pipe: a byte on it ends the loop
	hangup func(fd int32, gen uint32)
	log    zerolog.Logger
	done   chan struct{}
}

// hangupEvents: readable (EOF or unexpected bytes), peer shut down, error.
// One-shot: the first event disables the registration until it is deleted.
const hangupEvents = syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT

func newWatcher(hangup func(fd int32, gen uint32), log zerolog.Logger) (watcher, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	w := &epollWatcher{epfd: epfd, hangup: hangup, log: log, done: make(chan struct{})}
	if err := syscall.Pipe2(w.stop[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		syscall.Close(epfd)
		return nil, fmt.Errorf("pipe2: %w", err)
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(w.stop[0]), Pad: -1}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, w.stop[0], &ev); err != nil {
		w.closeFDs()
		return nil, fmt.Errorf("epoll_ctl stop pipe: %w", err)
	}
	go w.run()
	return w, nil
}

func (w *epollWatcher) add(fd int32, gen uint32) error {
	// The event's 64-bit user data carries the descriptor and its
	// registration's generation, so a stale event for a reused descriptor
	// is recognised and ignored.
	ev := syscall.EpollEvent{Events: hangupEvents, Fd: fd, Pad: int32(gen)}
	return syscall.EpollCtl(w.epfd, syscall.EPOLL_CTL_ADD, int(fd), &ev)
}

func (w *epollWatcher) del(fd int32) {
	syscall.EpollCtl(w.epfd, syscall.EPOLL_CTL_DEL, int(fd), nil)
}

// run is the watcher's one goroutine; close ends it.
func (w *epollWatcher) run() {
	defer close(w.done)
	events := make([]syscall.EpollEvent, 256)
	for {
		n, err := syscall.EpollWait(w.epfd, events, -1)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			w.log.Error().Err(err).Msg("epoll_wait failed; hangups of parked polls go unnoticed until their hold ends")
			return
		}
		for _, ev := range events[:n] {
			if ev.Fd == int32(w.stop[0]) && ev.Pad == -1 {
				return
			}
			w.hangup(ev.Fd, uint32(ev.Pad))
		}
	}
}

func (w *epollWatcher) close() {
	syscall.Write(w.stop[1], []byte{0})
	<-w.done
	w.closeFDs()
}

func (w *epollWatcher) closeFDs() {
	syscall.Close(w.stop[0])
	syscall.Close(w.stop[1])
	syscall.Close(w.epfd)
}

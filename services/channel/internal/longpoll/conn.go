package longpoll

import (
	"errors"
	"net"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
)

// States of a hijacked connection. Every move out of parked or idle is a
// compare-and-swap: whoever makes it owns the connection until it moves it
// on, and everyone else backs off.
const (
	stateReading   int32 = iota // a request is being read and admitted
	stateParked                 // a poll waits on a mailbox
	stateAnswering              // a parked poll's answer is being written
	stateIdle                   // between polls, waiting for the next request
	stateClosed                 // closed, or handed back to net/http
)

// reason says why a parked poll ends.
type reason int

const (
	reasonWake  reason = iota // its mailbox has news
	reasonHold                // its hold time ran out
	reasonDrain               // the server is draining
)

// pconn is a connection taken from net/http (hijacked) when its first poll
// parked. From then on it lives here, parked or idle, with no goroutine:
// the lot's reactor reads its next requests (see wire.go) and reports its
// hangup, a delivery writes its answers. Of a poll it keeps only what the
// answer needs. It implements queue.Waiter.
type pconn struct {
	s    *Server
	conn net.Conn
	raw  syscall.RawConn
	fd   int32
	gen  uint32 // registration generation, set by lot.register

	state   atomic.Int32
	pending atomic.Bool  // the reactor saw input that nobody has acted on yet
	idle    atomic.Int64 // when it went idle, unix ns: the idle sweep's clock
	holdEnd atomic.Int64 // when the current park's hold ends, unix ns
	timer   *time.Timer  // the hold timer, reused by every park

	// The current poll; written before the state becomes parked, and read
	// only by whoever moves it out of parked.
	user   int64
	cur    queue.Cursor
	origin string
	keep   bool // the connection may serve another request
}

// adopt takes a hijacked connection into the lot, in stateReading.
func (s *Server) adopt(c net.Conn) (*pconn, error) {
	for {
		p, ok := c.(*prefixConn)
		if !ok || len(p.prefix) > 0 {
			break
		}
		c = p.Conn // replayed already: unwrap, so handoffs do not nest
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil, errors.New("connection has no descriptor")
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil, err
	}
	pc := &pconn{s: s, conn: c, raw: raw}
	if err := raw.Control(func(fd uintptr) { pc.fd = int32(fd) }); err != nil {
		return nil, err
	}
	pc.timer = time.AfterFunc(time.Hour, pc.holdExpired)
	pc.timer.Stop()
	if err := s.lot.register(pc); err != nil {
		return nil, err
	}
	return pc, nil
}

// park parks a poll the connection has just read (stateReading).
func (pc *pconn) park(user int64, cur queue.Cursor, origin string, keep bool) {
	pc.user, pc.cur, pc.origin, pc.keep = user, cur, origin, keep
	d := pc.s.holdFor()
	pc.holdEnd.Store(time.Now().Add(d).UnixNano())
	if !pc.state.CompareAndSwap(stateReading, stateParked) {
		return // closed meanwhile
	}
	pc.s.m.Parked.Inc()
	if pc.pending.Load() {
		// Input after the request: a long-poll client sends nothing
		// while parked, so it has left (or misbehaves).
		pc.close()
		return
	}
	pc.timer.Reset(d)
	ans, err := pc.s.shard.Poll(user, cur, pc)
	switch {
	case err != nil || ans.Kind != queue.Parked:
		// News came in between admission and parking, or an error: the
		// mailbox never held pc, so there is nothing to unpark.
		if pc.leave() {
			pc.reply(stateAnswering, ans, err, false)
		}
	case pc.state.Load() == stateClosed:
		// Hung up before the mailbox had it: take it out again.
		pc.s.shard.Unpark(user, pc)
	}
}

// Wake answers the parked poll: its mailbox has news. The caller is a
// delivery, so the answer is written without waiting (see send).
func (pc *pconn) Wake() { pc.end(reasonWake) }

// holdExpired is the hold timer. A timer reused across parks may fire
// late for an earlier park; holdEnd tells.
func (pc *pconn) holdExpired() {
	if !pc.s.lot.enter() {
		return
	}
	defer pc.s.lot.wg.Done()
	if time.Now().UnixNano() >= pc.holdEnd.Load()-int64(time.Millisecond) {
		pc.end(reasonHold)
	}
}

// end answers the parked poll, once, for why.
func (pc *pconn) end(why reason) {
	if !pc.leave() {
		return
	}
	if why != reasonWake { // a woken poll was taken off its mailbox already
		pc.s.shard.Unpark(pc.user, pc)
	}
	ans, err := pc.s.shard.Collect(pc.user, pc.cur)
	pc.reply(stateAnswering, ans, err, why == reasonDrain)
}

// leave moves a parked connection to answering.
func (pc *pconn) leave() bool {
	if !pc.state.CompareAndSwap(stateParked, stateAnswering) {
		return false
	}
	pc.timer.Stop()
	pc.s.m.Parked.Dec()
	return true
}

// close closes the connection from any state, unparking a parked poll.
func (pc *pconn) close() {
	prev := pc.state.Swap(stateClosed)
	if prev == stateClosed {
		return
	}
	pc.timer.Stop()
	if prev == stateParked {
		pc.s.m.Parked.Dec()
		pc.s.shard.Unpark(pc.user, pc)
	}
	pc.s.lot.forget(pc) // before Close: the descriptor may be reused at once
	pc.conn.Close()
}

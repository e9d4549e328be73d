package longpoll

import (
	"net"
	"sync/atomic"
	"time"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
)

// States of a parked poll.
const (
	stateParked int32 = iota
	stateDone
)

// reason says why a parked poll ends.
type reason int

const (
	reasonWake  reason = iota // its mailbox has news
	reasonHold                // its hold time ran out
	reasonDrain               // the server is draining
	reasonGone                // its peer hung up, or the server closed
)

// parked is a poll waiting for news: all it keeps of its request is what
// the answer needs. It implements queue.Waiter.
type parked struct {
	s      *Server
	conn   net.Conn
	user   int64
	cur    queue.Cursor
	origin string // the allowed origin to echo (CORS); "" for none
	keep   bool   // the connection may serve another request

	// state goes from parked to done exactly once; whoever makes that
	// move — a wake, the hold timer, the hangup watcher, Drain, or the
	// parking handler itself — owns the connection from then on.
	state atomic.Int32
	timer atomic.Pointer[time.Timer]
	fd    int32  // registry key, set by lot.add
	gen   uint32 // registration generation, set by lot.add
}

// Wake answers the poll: its mailbox has news. It is called by a delivery,
// which must not wait on a network write, so the answer is written by a
// goroutine of the lot.
func (p *parked) Wake() { p.end(reasonWake) }

// arm starts the hold timer. If the poll ended meanwhile, the timer is
// stopped again here, since end may have looked before it was stored.
func (p *parked) arm(d time.Duration) {
	p.timer.Store(time.AfterFunc(d, func() {
		if p.s.lot.enter() {
			defer p.s.lot.wg.Done()
			p.end(reasonHold)
		}
	}))
	if p.state.Load() == stateDone {
		p.stopTimer()
	}
}

func (p *parked) stopTimer() {
	if t := p.timer.Swap(nil); t != nil {
		t.Stop()
	}
}

// end finishes the poll once, for why.
func (p *parked) end(why reason) {
	if !p.state.CompareAndSwap(stateParked, stateDone) {
		return
	}
	p.release(why != reasonWake) // a woken poll was already unparked by its mailbox
	switch why {
	case reasonGone:
		p.conn.Close()
	case reasonHold:
		p.reply() // the timer's goroutine is free to write
	default:
		if !p.s.lot.spawn(p.reply) {
			p.conn.Close()
		}
	}
}

// endWith finishes a poll that was being parked with an answer found on
// the way (a delivery raced the hijack) or an error.
func (p *parked) endWith(ans queue.Answer, err error) {
	if !p.state.CompareAndSwap(stateParked, stateDone) {
		return
	}
	p.release(false)
	p.s.writeRaw(p.conn, p.origin, p.keep, ans, err)
}

// release undoes the parking: timer, registry, and (unless the mailbox did
// it) the mailbox's waiter list.
func (p *parked) release(unpark bool) {
	p.stopTimer()
	p.s.lot.remove(p)
	if unpark {
		p.s.shard.Unpark(p.user, p)
	}
}

// reply collects what the mailbox has for the poll now and writes it.
func (p *parked) reply() {
	ans, err := p.s.shard.Collect(p.user, p.cur)
	p.s.writeRaw(p.conn, p.origin, p.keep, ans, err)
}

package longpoll

import (
	"errors"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
)

var (
	bufs  = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}
	rbufs = sync.Pool{New: func() any { b := make([]byte, maxHeaderBytes+1); return &b }}
)

// reply renders a poll's outcome and sends it; from is the state the
// caller holds the connection in.
func (pc *pconn) reply(from int32, ans queue.Answer, err error, closing bool) {
	bp := bufs.Get().(*[]byte)
	status, body := pc.s.render((*bp)[:0], ans, err)
	pc.send(from, status, body, pc.origin, closing)
	*bp = body[:0]
	bufs.Put(bp)
}

// send writes one answer without waiting: the socket buffer takes a small
// answer whole. If it does not (a slow reader), a goroutine of the lot
// finishes the write under a deadline. Then the connection goes idle for
// its next request, or is closed.
func (pc *pconn) send(from int32, status int, body []byte, origin string, closing bool) {
	closing = closing || !pc.keep || pc.s.draining.Load()
	hp := bufs.Get().(*[]byte)
	out := appendHead((*hp)[:0], status, len(body), origin, closing)
	out = append(out, body...)
	n, err := pc.writeNow(out)
	var rest []byte
	if err == nil && n < len(out) {
		rest = append([]byte(nil), out[n:]...)
	}
	*hp = out[:0]
	bufs.Put(hp)
	switch {
	case err != nil:
		pc.close()
	case rest != nil:
		if !pc.s.lot.spawn(func() { pc.finish(from, rest, closing) }) {
			pc.close()
		}
	case closing:
		pc.close()
	default:
		pc.s.lot.rest(pc, from)
	}
}

// finish writes the rest of an answer, waiting for the socket.
func (pc *pconn) finish(from int32, rest []byte, closing bool) {
	pc.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := pc.conn.Write(rest)
	pc.conn.SetWriteDeadline(time.Time{})
	if err != nil || closing {
		pc.close()
		return
	}
	pc.s.lot.rest(pc, from)
}

// writeNow writes what the socket takes now.
func (pc *pconn) writeNow(b []byte) (int, error) {
	var n int
	var err error
	rerr := pc.raw.Write(func(fd uintptr) bool {
		n, err = syscall.Write(int(fd), b)
		return true // never wait here: the caller may be a delivery
	})
	if errors.Is(err, syscall.EAGAIN) {
		return 0, nil
	}
	if rerr != nil {
		return 0, rerr
	}
	if err != nil || n < 0 {
		return 0, err
	}
	return n, nil
}

// readNow reads what has arrived; (0, nil) is end of stream, EAGAIN nothing yet.
func (pc *pconn) readNow(b []byte) (int, error) {
	var n int
	var err error
	rerr := pc.raw.Read(func(fd uintptr) bool {
		n, err = syscall.Read(int(fd), b)
		return true
	})
	if rerr != nil {
		return 0, rerr
	}
	if n < 0 {
		n = 0
	}
	return n, err
}

// serveWire reads and answers the next request of an idle connection
// (stateReading): the fast path. A request it does not take goes to
// net/http with the bytes already read.
func (s *Server) serveWire(pc *pconn) {
	bp := rbufs.Get().(*[]byte)
	defer rbufs.Put(bp)
	n, err := pc.readNow(*bp)
	switch {
	case errors.Is(err, syscall.EAGAIN):
		s.lot.rest(pc, stateReading) // the input was read already
		return
	case err != nil || n == 0:
		pc.close()
		return
	}
	req, err := parseWire((*bp)[:n])
	if err != nil {
		pc.handoff((*bp)[:n])
		return
	}
	pc.keep = !req.close
	b := bufs.Get().(*[]byte)
	defer bufs.Put(b)
	a := s.admit((*b)[:0], pollRequest{path: string(req.path), query: string(req.query),
		authorization: string(req.authorization), origin: string(req.origin)})
	if !a.ok {
		pc.send(stateReading, a.status, a.body, a.origin, false)
		return
	}
	pc.park(a.user, a.cur, a.origin, pc.keep)
}

// handoff gives the connection back to net/http, with the bytes read from
// it so far, for a request the fast path does not take.
func (pc *pconn) handoff(read []byte) {
	if pc.state.Swap(stateClosed) == stateClosed {
		return
	}
	pc.timer.Stop()
	pc.s.lot.forget(pc)
	c := pc.conn
	if len(read) > 0 {
		c = &prefixConn{Conn: c, prefix: append([]byte(nil), read...)}
	}
	pc.s.ln.Return(c)
}

// prefixConn replays bytes already read before reading on.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Read(b []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(b, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(b)
}

// SyscallConn lets a prefixConn be adopted again once its prefix is read.
func (c *prefixConn) SyscallConn() (syscall.RawConn, error) {
	if len(c.prefix) > 0 {
		return nil, errors.New("unread prefix")
	}
	return c.Conn.(syscall.Conn).SyscallConn()
}

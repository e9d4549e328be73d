package longpoll

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// kept returns a connection whose first poll was parked and answered, so
// that it now lives in the lot and its next requests take the fast path.
func kept(t *testing.T, e *env, user int64) (*rawConn, int64) {
	t.Helper()
	epoch, _ := e.handshake(t, user)
	r := e.dial(t)
	r.send(e.token(user), epoch, 0)
	e.waitParked(t, 1)
	e.deliver(t, user, `{"n":1}`)
	if _, a := r.read(); a.Seq != 1 {
		t.Fatalf("first answer %s", a.raw)
	}
	return r, epoch
}

func (r *rawConn) write(s string) {
	r.t.Helper()
	if _, err := r.c.Write([]byte(s)); err != nil {
		r.t.Fatal(err)
	}
}

func TestFastPathRefusesAndCarriesOn(t *testing.T) {
	e := start(t)
	r, epoch := kept(t, e, 1)
	r.write(fmt.Sprintf("GET /poll?epoch=%d&seq=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer forged\r\n\r\n", epoch))
	if resp, a := r.read(); a.status != http.StatusUnauthorized || a.Type != "unauthorized" || resp.Close {
		t.Fatalf("forged token on a kept connection: %d close=%v %s", a.status, resp.Close, a.raw)
	}
	r.write("GET /poll?epoch=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + e.token(1) + "\r\nOrigin: http://evil.example\r\n\r\n")
	if _, a := r.read(); a.status != http.StatusForbidden {
		t.Fatalf("foreign origin: %d %s", a.status, a.raw)
	}
	e.deliver(t, 1, `{"n":2}`)
	r.send(e.token(1), epoch, 1)
	if _, a := r.read(); a.Seq != 2 {
		t.Fatalf("poll after refusals: %s", a.raw)
	}
}

// TestFastPathFallsBack: what the fast path does not read (a preflight, a
// body, pipelined requests) goes to net/http on the same connection, and the
// connection comes back to the fast path when it parks again.
func TestFastPathFallsBack(t *testing.T) {
	e := start(t)
	r, epoch := kept(t, e, 1)
	r.write("OPTIONS /poll HTTP/1.1\r\nHost: x\r\nOrigin: http://web.example\r\nAccess-Control-Request-Method: GET\r\n\r\n")
	if resp, err := http.ReadResponse(r.br, nil); err != nil || resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "http://web.example" {
		t.Fatalf("preflight on a kept connection: %v %v", resp, err)
	}
	r.write(fmt.Sprintf("GET /poll?epoch=%d&seq=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 1\r\n\r\nx", epoch, e.token(1)))
	if _, a := r.read(); a.status != http.StatusBadRequest {
		t.Fatalf("poll with a body: %d %s", a.status, a.raw)
	}
	// Two polls in one write: the first is answered at once, the second parks.
	e.deliver(t, 1, `{"n":2}`)
	two := fmt.Sprintf("GET /poll?epoch=%d&seq=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", epoch, e.token(1)) +
		fmt.Sprintf("GET /poll?epoch=%d&seq=2 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", epoch, e.token(1))
	r.write(two)
	if _, a := r.read(); a.Seq != 2 {
		t.Fatalf("first pipelined poll: %s", a.raw)
	}
	e.waitParked(t, 1)
	e.deliver(t, 1, `{"n":3}`)
	if _, a := r.read(); a.Seq != 3 {
		t.Fatalf("second pipelined poll: %s", a.raw)
	}
	// Parked again through net/http, the connection is back on the fast path.
	r.send(e.token(1), epoch, 3)
	e.waitParked(t, 1)
	e.deliver(t, 1, `{"n":4}`)
	if _, a := r.read(); a.Seq != 4 {
		t.Fatalf("after coming back: %s", a.raw)
	}
}

func TestFastPathConnectionClose(t *testing.T) {
	e := start(t)
	r, epoch := kept(t, e, 1)
	e.deliver(t, 1, `{"n":2}`)
	r.write(fmt.Sprintf("GET /poll?epoch=%d&seq=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer %s\r\n\r\n", epoch, e.token(1)))
	if resp, a := r.read(); a.Seq != 2 || !resp.Close {
		t.Fatalf("answer: close=%v %s", resp.Close, a.raw)
	}
	r.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := r.br.Read(make([]byte, 1)); err == nil {
		t.Fatalf("read %d bytes after Connection: close", n)
	}
}

func TestIdleConnectionsSwept(t *testing.T) {
	e := start(t)
	r, _ := kept(t, e, 1)
	eventually(t, "the connection to go idle", func() bool {
		return len(e.srv.lot.snapshot()) == 1 && e.srv.lot.snapshot()[0].state.Load() == stateIdle
	})
	e.srv.lot.sweep(time.Now().Add(idleTimeout - time.Second))
	if len(e.srv.lot.snapshot()) != 1 {
		t.Fatal("swept a connection idle for less than the idle timeout")
	}
	e.srv.lot.sweep(time.Now().Add(idleTimeout + time.Second))
	r.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := r.br.Read(make([]byte, 1)); err == nil {
		t.Fatalf("read %d bytes from a swept connection", n)
	}
	if n := len(e.srv.lot.snapshot()); n != 0 {
		t.Fatalf("%d connections left in the lot", n)
	}
}

// TestIdleHangup: a kept connection the browser closes between polls leaves
// the lot at once.
func TestIdleHangup(t *testing.T) {
	e := start(t)
	r, _ := kept(t, e, 1)
	eventually(t, "one connection in the lot", func() bool { return len(e.srv.lot.snapshot()) == 1 })
	r.c.Close()
	eventually(t, "the closed connection to leave the lot", func() bool { return len(e.srv.lot.snapshot()) == 0 })
}

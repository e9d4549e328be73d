package longpoll

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"testing"
	"time"
)

// rawConn is one browser connection driven by hand, to see what happens to
// the connection itself.
type rawConn struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func (e *env) dial(t *testing.T) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", e.srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{t: t, c: c, br: bufio.NewReader(c)}
}

func (r *rawConn) send(tok string, epoch, seq int64) {
	r.t.Helper()
	fmt.Fprintf(r.c, "GET /poll?epoch=%d&seq=%d&idle=0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", epoch, seq, tok)
}

func (r *rawConn) read() (*http.Response, answer) {
	r.t.Helper()
	r.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(r.br, nil)
	if err != nil {
		r.t.Fatalf("read answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		r.t.Fatalf("answer %q: %v", body, err)
	}
	a.status, a.raw = resp.StatusCode, string(body)
	return resp, a
}

// TestKeepAliveAcrossParks: one connection polls, parks, is answered from
// outside net/http, and carries the next polls, parked or not.
func TestKeepAliveAcrossParks(t *testing.T) {
	e := start(t)
	epoch, _ := e.handshake(t, 1)
	r := e.dial(t)
	for i := int64(1); i <= 3; i++ {
		r.send(e.token(1), epoch, i-1)
		e.waitParked(t, 1)
		e.deliver(t, 1, fmt.Sprintf(`{"n":%d}`, i))
		resp, a := r.read()
		if a.Type != "messages" || a.Seq != i || resp.Close || resp.ContentLength != int64(len(a.raw)) {
			t.Fatalf("round %d: close=%v len=%d %s", i, resp.Close, resp.ContentLength, a.raw)
		}
		if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Date") == "" {
			t.Fatalf("round %d headers: %v", i, resp.Header)
		}
	}
	// And an immediate answer on the same connection, through net/http.
	e.deliver(t, 1, `{"n":4}`)
	r.send(e.token(1), epoch, 3)
	if _, a := r.read(); a.Seq != 4 {
		t.Fatalf("immediate: %s", a.raw)
	}
}

// TestHangupUnparks: a browser that goes away while parked frees its slot at
// once, not when its hold ends.
func TestHangupUnparks(t *testing.T) {
	e := start(t)
	epoch, _ := e.handshake(t, 1)
	r := e.dial(t)
	r.send(e.token(1), epoch, 0)
	e.waitParked(t, 1)
	if st, _ := e.shard.State(1); st.Pollers != 1 {
		t.Fatalf("pollers %d, want 1", st.Pollers)
	}
	r.c.Close()
	e.waitParked(t, 0)
	if st, _ := e.shard.State(1); st.Pollers != 0 {
		t.Fatalf("pollers %d after hangup, want 0", st.Pollers)
	}
}

// TestBytesWhileParked: a client that sends more while parked is not a
// long-poll client; its connection is closed.
func TestBytesWhileParked(t *testing.T) {
	e := start(t)
	epoch, _ := e.handshake(t, 1)
	r := e.dial(t)
	r.send(e.token(1), epoch, 0)
	e.waitParked(t, 1)
	r.send(e.token(1), epoch, 0)
	e.waitParked(t, 0)
	r.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := r.br.Read(make([]byte, 1)); err == nil {
		t.Fatalf("read %d bytes from a connection that should be closed", n)
	}
}

// TestParkedPollsHoldNoGoroutine: parking keeps no goroutine (nor, with it,
// a stack, buffers or the request) per poll.
func TestParkedPollsHoldNoGoroutine(t *testing.T) {
	e := start(t)
	const n = 200
	conns := make([]*rawConn, n)
	for i := range conns {
		conns[i] = e.dial(t)
		epoch, _ := e.handshake(t, int64(i+1))
		conns[i].send(e.token(int64(i+1)), epoch, 0)
	}
	e.waitParked(t, n)
	e.client.CloseIdleConnections()
	before := runtime.NumGoroutine()
	// Not zero: the test's own and the runtime's; but nothing near one per poll.
	if before > 60 {
		t.Fatalf("%d goroutines with %d polls parked", before, n)
	}
}

func TestDrain(t *testing.T) {
	e := start(t)
	const n = 20
	conns := make([]*rawConn, n)
	for i := range conns {
		conns[i] = e.dial(t)
		epoch, _ := e.handshake(t, int64(i+1))
		conns[i].send(e.token(int64(i+1)), epoch, 0)
	}
	e.waitParked(t, n)
	began := time.Now()
	if err := e.srv.Drain(context.Background(), 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took < 250*time.Millisecond {
		t.Fatalf("drained %d polls in %v: not spread over the 300ms window", n, took)
	}
	for i, r := range conns {
		resp, a := r.read()
		if a.Type != "continue" || !resp.Close {
			t.Fatalf("poll %d: close=%v %s", i, resp.Close, a.raw)
		}
	}
	if a := e.poll(t, 1, 0, 0); a.status != http.StatusServiceUnavailable || a.Type != "error" {
		t.Fatalf("poll while draining: %d %s", a.status, a.raw)
	}
}

package rpc

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"maps"
	"net"
	"os"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/internal/logtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echo answers multiGet with one ACTIVE entry per user; user -1 panics, user
// -2 raises InvalidInput, user -3 blocks until release is closed.
type echo struct{ release chan struct{} }

func (echo) Report(context.Context, string, int32, []*presencet.ReportEntry) (int32, error) {
	return 0, nil
}

func (e echo) MultiGet(_ context.Context, users []commont.UserId) ([]*presencet.Presence, error) {
	out := make([]*presencet.Presence, 0, len(users))
	for _, u := range users {
		switch u {
		case -1:
			panic("boom")
		case -2:
			return nil, &commont.InvalidInput{Message: "negative", Field: "users"}
		case -3:
			<-e.release
		}
		out = append(out, &presencet.Presence{User: u, State: presencet.State_ACTIVE})
	}
	return out, nil
}

func (echo) ChangedSince(context.Context, []commont.UserId, int64) (*presencet.Changes, error) {
	return &presencet.Changes{}, nil
}

func start(t *testing.T, h presencet.PresenceService) (*Server, *Pool[*presencet.PresenceServiceClient]) {
	t.Helper()
	return startWith(t, h, ServerOptions{Log: zerolog.Nop()})
}

// startWith serves h with opts until the test ends, and gives a pool to it.
func startWith(t *testing.T, h presencet.PresenceService, opts ServerOptions) (*Server, *Pool[*presencet.PresenceServiceClient]) {
	t.Helper()
	s, err := Listen("127.0.0.1:0", presencet.NewPresenceServiceProcessor(h), opts)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve() }()
	p := NewPool(s.Addr().String(), presencet.NewPresenceServiceClient)
	t.Cleanup(func() {
		p.Close()
		if err := s.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return s, p
}

func multiGet(p *Pool[*presencet.PresenceServiceClient], users ...commont.UserId) ([]*presencet.Presence, error) {
	var out []*presencet.Presence
	err := p.Call(context.Background(), func(ctx context.Context, c *presencet.PresenceServiceClient) (err error) {
		out, err = c.MultiGet(ctx, users)
		return err
	})
	return out, err
}

func TestPanicBecomesErrorAndServerKeepsServing(t *testing.T) {
	_, p := start(t, echo{})
	_, err := multiGet(p, 1, -1)
	var ae thrift.TApplicationException
	if !errors.As(err, &ae) || ae.TypeId() != thrift.INTERNAL_ERROR {
		t.Fatalf("panicking call: got %v, want an INTERNAL_ERROR application exception", err)
	}
	got, err := multiGet(p, 7)
	if err != nil || len(got) != 1 || got[0].User != 7 {
		t.Fatalf("call after the panic: %v, %v", got, err)
	}
}

func TestTypedExceptionKeepsConnection(t *testing.T) {
	_, p := start(t, echo{})
	_, err := multiGet(p, -2)
	var inv *commont.InvalidInput
	if !errors.As(err, &inv) || inv.Field != "users" {
		t.Fatalf("got %v, want InvalidInput on users", err)
	}
	if n := len(p.idle); n != 1 {
		t.Fatalf("idle connections after a typed exception: %d, want 1 (reused)", n)
	}
}

// TestOversizeFrameRefused announces a 100 MiB frame and checks the server
// drops the connection without allocating it, then serves the next client.
func TestOversizeFrameRefused(t *testing.T) {
	s, p := start(t, echo{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], 100<<20)
	if _, err := c.Write(hdr[:]); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("after an oversize frame header: read %d, %v; want EOF (connection closed)", n, err)
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 10<<20 {
		t.Fatalf("server allocated %d bytes for a refused frame", grew)
	}
	if _, err := multiGet(p, 3); err != nil {
		t.Fatalf("server stopped serving after the bad frame: %v", err)
	}
}

func TestGarbageFrameRefused(t *testing.T) {
	s, p := start(t, echo{})
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A well-sized frame whose body is not a Thrift message.
	c.Write([]byte{0, 0, 0, 8, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef})
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("garbage frame: %v, want the connection closed", err)
	}
	if _, err := multiGet(p, 3); err != nil {
		t.Fatalf("server stopped serving after garbage: %v", err)
	}
}

func TestCallDeadline(t *testing.T) {
	release := make(chan struct{})
	_, p := start(t, echo{release: release})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := p.Call(ctx, func(ctx context.Context, c *presencet.PresenceServiceClient) error {
		_, err := c.MultiGet(ctx, []commont.UserId{-3})
		return err
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("blocked call: %v, want deadline exceeded", err)
	}
	if n := len(p.idle); n != 0 {
		t.Fatalf("a timed-out connection went back to the pool")
	}
}

func TestReconnectAfterServerRestart(t *testing.T) {
	h := echo{}
	s, err := Listen("127.0.0.1:0", presencet.NewPresenceServiceProcessor(h), ServerOptions{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	addr := s.Addr().String()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.Serve() }()
	p := NewPool(addr, presencet.NewPresenceServiceClient)
	defer p.Close()
	if _, err := multiGet(p, 1); err != nil {
		t.Fatal(err)
	}
	s.Shutdown(context.Background())
	wg.Wait()

	s2, err := Listen(addr, presencet.NewPresenceServiceProcessor(h), ServerOptions{Log: zerolog.Nop()})
	if err != nil {
		t.Fatalf("rebind %s: %v", addr, err)
	}
	wg.Add(1)
	go func() { defer wg.Done(); s2.Serve() }()
	defer func() { s2.Shutdown(context.Background()); wg.Wait() }()
	// The pooled connection is dead; the pool must notice and dial afresh.
	if _, err := multiGet(p, 2); err != nil {
		t.Fatalf("first call after the restart: %v", err)
	}
}

func TestShutdownWaitsForCallInFlight(t *testing.T) {
	release := make(chan struct{})
	s, err := Listen("127.0.0.1:0", presencet.NewPresenceServiceProcessor(echo{release: release}), ServerOptions{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	p := NewPool(s.Addr().String(), presencet.NewPresenceServiceClient)
	defer p.Close()
	result := make(chan error, 1)
	go func() { _, err := multiGet(p, -3); result <- err }()
	// Wait until the call is in the handler, then shut down.
	deadline := time.Now().Add(5 * time.Second)
	for !busy(s) {
		if time.Now().After(deadline) {
			t.Fatal("call never reached the server")
		}
		time.Sleep(time.Millisecond) // polling a condition, not synchronizing on time
	}
	stopped := make(chan error, 1)
	go func() { stopped <- s.Shutdown(context.Background()) }()
	close(release)
	if err := <-result; err != nil {
		t.Fatalf("call in flight during shutdown: %v", err)
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}

func busy(s *Server) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.mu.Lock()
		b := c.busy
		c.mu.Unlock()
		if b {
			return true
		}
	}
	return false
}

// flakyListener fails its first Accept as a process out of descriptors does.
type flakyListener struct {
	net.Listener
	failed bool
}

func (l *flakyListener) Accept() (net.Conn, error) {
	if !l.failed {
		l.failed = true
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

func TestServeOutlivesDescriptorExhaustion(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(&flakyListener{Listener: ln}, presencet.NewPresenceServiceProcessor(echo{}), ServerOptions{Log: zerolog.Nop()})
	served := make(chan error, 1)
	go func() { served <- s.Serve() }()
	p := NewPool(ln.Addr().String(), presencet.NewPresenceServiceClient)
	defer func() {
		p.Close()
		s.Shutdown(context.Background())
		if err := <-served; err != nil {
			t.Errorf("serve after an EMFILE accept: %v", err)
		}
	}()
	if _, err := multiGet(p, 9); err != nil {
		t.Fatalf("call after an EMFILE accept: %v", err)
	}
}

// TestShutdownClosesIdleConnectionsQuietly: connections Shutdown closes
// between calls are routine and log nothing; before, each one logged a
// warning that it was "dropped".
func TestShutdownClosesIdleConnectionsQuietly(t *testing.T) {
	var logs logtest.Buffer
	s, err := Listen("127.0.0.1:0", presencet.NewPresenceServiceProcessor(echo{}), ServerOptions{Log: zerolog.New(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve() }()
	p := NewPool(s.Addr().String(), presencet.NewPresenceServiceClient)
	defer p.Close()
	if _, err := multiGet(p, 1); err != nil { // leaves an idle connection
		t.Fatal(err)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if logs.String() != "" {
		t.Fatalf("shutdown logged: %s", logs.String())
	}
}

// TestCallMetrics: calls are counted per method and outcome, and every
// outcome's series exists from the start, so a rate() alert on errors
// works before the first error.
func TestCallMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	_, p := startWith(t, echo{}, ServerOptions{Log: zerolog.Nop(), Metrics: reg})
	for range 2 {
		if _, err := multiGet(p, 1); err != nil {
			t.Fatal(err)
		}
	}
	var invalid *commont.InvalidInput
	if _, err := multiGet(p, -2); !errors.As(err, &invalid) {
		t.Fatalf("multiGet(-2) = %v; want InvalidInput", err)
	}
	want := map[string]float64{"ok": 2, "exception": 1, "error": 0}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "thrift_server_calls_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["method"] == "multiGet" {
				got[labels["outcome"]] = m.GetCounter().GetValue()
			}
		}
	}
	if !maps.Equal(got, want) {
		t.Fatalf("thrift_server_calls_total for multiGet = %v; want %v", got, want)
	}
}

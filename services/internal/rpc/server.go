package rpc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// ServerOptions tunes a Server; the zero value takes the defaults.
type ServerOptions struct {
	// IdleTimeout closes a connection that sends no call for this long (5m).
	IdleTimeout time.Duration
	// ReadTimeout bounds reading one call once it has begun (10s).
	ReadTimeout time.Duration
	// MaxConns caps open connections; more are closed on accept (4096).
	MaxConns int
	// Metrics receives the server's metrics; nil keeps them unregistered.
	Metrics prometheus.Registerer
	// Log receives one line per panic and per broken connection.
	Log zerolog.Logger
}

func (o *ServerOptions) defaults() {
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 5 * time.Minute
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 10 * time.Second
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 4096
	}
}

// Server serves one Thrift processor on a TCP listener. Unlike
// thrift.TSimpleServer it knows which connections are between calls, so
// Shutdown closes those at once and lets calls in flight finish.
type Server struct {
	ln        net.Listener
	processor thrift.TProcessor
	opts      ServerOptions
	cfg       *thrift.TConfiguration

	// closing is set once by Shutdown; every call checks it, so it is not
	// behind mu, which guards conns.
	closing atomic.Bool
	mu      sync.Mutex
	conns   map[*serverConn]struct{}
	wg      sync.WaitGroup // one per connection goroutine
}

// noConnectivityCheck turns off, once per process, the goroutine and ticker
// that generated processors start for every call to notice a caller hanging
// up: our calls last milliseconds and must finish regardless, so it is CPU
// spent for nothing (it is a process-wide setting of the Thrift library).
var noConnectivityCheck sync.Once

// Listen binds addr (":0" picks a free port) and prepares processor, wrapped
// with panic recovery and metrics. Call Serve to accept.
func Listen(addr string, processor thrift.TProcessor, opts ServerOptions) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("thrift listen %s: %w", addr, err)
	}
	return newServer(ln, processor, opts), nil
}

func newServer(ln net.Listener, processor thrift.TProcessor, opts ServerOptions) *Server {
	noConnectivityCheck.Do(func() { thrift.ServerConnectivityCheckInterval = 0 })
	opts.defaults()
	m := newMetrics(opts.Metrics)
	thrift.WrapProcessor(processor, recoverer(opts.Log, m), m.observe)
	return &Server{ln: ln, processor: processor, opts: opts, cfg: Config(), conns: map[*serverConn]struct{}{}}
}

// Addr is the bound address.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve accepts connections until Shutdown; it returns nil after Shutdown.
func (s *Server) Serve() error {
	var backoff time.Duration
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if s.isClosing() {
				return nil
			}
			if temporary(err) {
				// Out of file descriptors, or a connection aborted while
				// queued: wait a little as net/http does, rather than die.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.opts.Log.Warn().Err(err).Dur("retry_in", backoff).Msg("thrift accept failed")
				time.Sleep(backoff)
				continue
			}
			return fmt.Errorf("thrift accept: %w", err)
		}
		backoff = 0
		s.mu.Lock()
		if s.closing.Load() || len(s.conns) >= s.opts.MaxConns {
			s.mu.Unlock()
			c.Close()
			continue
		}
		sc := &serverConn{Conn: c}
		s.conns[sc] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serve(sc)
	}
}

// Shutdown stops accepting, closes idle connections, waits for calls in
// flight until ctx ends, then closes whatever is left.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing.Store(true)
	for c := range s.conns {
		c.closeIfIdle()
	}
	s.mu.Unlock()
	s.ln.Close()

	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		<-done
		return fmt.Errorf("thrift shutdown: %w", ctx.Err())
	}
}

func (s *Server) serve(c *serverConn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	prot := protocol(thrift.NewStreamTransportRW(c), s.cfg)
	in := &beginHook{TProtocol: prot, onBegin: func() {
		c.setBusy(true)
		c.SetReadDeadline(time.Now().Add(s.opts.ReadTimeout))
	}}
	ctx := context.Background()
	for {
		if !c.setBusy(false) || s.isClosing() {
			return
		}
		c.SetReadDeadline(time.Now().Add(s.opts.IdleTimeout))
		ok, err := s.processor.Process(ctx, in, prot)
		if err != nil {
			var te thrift.TTransportException
			if errors.As(err, &te) {
				if !isQuiet(te) {
					s.opts.Log.Warn().Err(err).Str("remote", c.RemoteAddr().String()).Msg("thrift connection dropped")
				}
				return
			}
		}
		if !ok {
			return
		}
	}
}

func (s *Server) isClosing() bool { return s.closing.Load() }

// temporary reports whether an accept error may pass: descriptor
// exhaustion, an aborted connection, a timeout.
func temporary(err error) bool {
	var ne net.Error
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ECONNABORTED) || (errors.As(err, &ne) && ne.Timeout())
}

// isQuiet tells a peer simply hanging up, idling out, or a connection
// closed by Shutdown between calls from a real fault.
func isQuiet(te thrift.TTransportException) bool {
	switch te.TypeId() {
	case thrift.END_OF_FILE, thrift.NOT_OPEN, thrift.TIMED_OUT:
		return true
	}
	var ne net.Error
	return errors.As(te, &ne) && ne.Timeout() || errors.Is(te, net.ErrClosed)
}

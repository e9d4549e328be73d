// Package longpoll is the channel's browser transport: the HTTP long-poll
// of the poll protocol (see the channel README), over net/http.
//
// A poll with nothing to answer is parked the way Facebook's channel servers
// learned to: without its request. The handler hijacks the connection and
// returns, so net/http's goroutine, buffers, request and headers all go; what
// stays is the connection and a small parked struct, watched for hangup by
// one epoll set (Linux) and timed by one runtime timer. When an answer is
// due the connection is written to directly and, if it is kept alive, handed
// back to the HTTP server through its listener to read the next poll.
package longpoll

import (
	"context"
	"errors"
	"fmt"
	stdlog "log"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/channel/internal/metrics"
	"github.com/thriftchat/thriftchat/services/channel/internal/shard"
	"github.com/thriftchat/thriftchat/services/internal/token"
)

// HTTP server limits against slow or abusive clients. A poll is a GET with a
// token, a few numbers and the browser's usual headers.
const (
	readHeaderTimeout = 5 * time.Second
	maxHeaderBytes    = 8 << 10
	idleTimeout       = 2 * time.Minute
	writeTimeout      = 10 * time.Second
)

// Options configure a Server.
type Options struct {
	Shard   *shard.Shard
	Signer  *token.Signer
	Metrics *metrics.Channel
	Log     zerolog.Logger
	// Origins are the web origins allowed to poll cross-origin (CORS).
	Origins []string
	// Hold is how long a poll is parked before it is answered "continue";
	// each poll gets Hold ± a random share of Jitter, so polls opened
	// together do not come back together.
	Hold, Jitter time.Duration
	// Now is the clock for token expiry; time.Now when nil.
	Now func() time.Time
}

// Server serves the long-poll protocol on one listener.
type Server struct {
	shard    *shard.Shard
	signer   *token.Signer
	m        *metrics.Channel
	log      zerolog.Logger
	origins  []string
	hold     time.Duration
	jitter   time.Duration
	now      func() time.Time
	draining atomic.Bool

	ln   *reentry
	http *http.Server
	lot  *lot

	// fresh holds the connections waiting for their first request. A
	// returned keep-alive connection is one of them until its browser's
	// next poll arrives, and http.Server.Shutdown waits 5 s for such
	// connections, so Shutdown closes them itself.
	freshMu sync.Mutex
	fresh   map[net.Conn]struct{}
}

// Listen binds addr and prepares the server; call Serve to accept.
func Listen(addr string, o Options) (*Server, error) {
	tcp, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("long-poll listen %s: %w", addr, err)
	}
	s, err := New(tcp, o)
	if err != nil {
		tcp.Close()
	}
	return s, err
}

// New prepares the server on a bound TCP listener (bound early, so its
// address can be advertised before the server exists); call Serve to accept.
func New(tcp net.Listener, o Options) (*Server, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Hold <= 0 || o.Jitter < 0 || o.Jitter >= o.Hold {
		return nil, fmt.Errorf("long-poll hold %v with jitter %v: need 0 <= jitter < hold", o.Hold, o.Jitter)
	}
	s := &Server{
		shard: o.Shard, signer: o.Signer, m: o.Metrics, log: o.Log, origins: o.Origins,
		hold: o.Hold, jitter: o.Jitter, now: o.Now, fresh: map[net.Conn]struct{}{},
	}
	var err error
	if s.lot, err = newLot(s, o.Log); err != nil {
		return nil, err
	}
	s.ln = newReentry(tcp)
	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: readHeaderTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		IdleTimeout:       idleTimeout,
		WriteTimeout:      writeTimeout,
		ErrorLog:          stdlog.New(o.Log.With().Str("component", "http").Logger(), "", 0),
		ConnState:         s.track,
	}
	return s, nil
}

// Addr is the bound address.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve accepts polls until Shutdown; it returns nil after Shutdown.
func (s *Server) Serve() error {
	if err := s.http.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("long-poll serve: %w", err)
	}
	return nil
}

// Shutdown stops accepting, lets requests in flight finish, closes the
// connections of polls still parked (Drain answers them first), and waits
// for the goroutines answering polls.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	done := make(chan error, 1)
	go func() { done <- s.http.Shutdown(ctx) }() // owned here: waited for below
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var err error
	for waiting := true; waiting; {
		s.closeFresh()
		select {
		case err = <-done:
			waiting = false
		case <-tick.C:
		}
	}
	s.lot.close()
	s.ln.wait()
	if err != nil {
		return fmt.Errorf("long-poll shutdown: %w", err)
	}
	return nil
}

// holdFor is one poll's hold time, jittered.
func (s *Server) holdFor() time.Duration {
	if s.jitter == 0 {
		return s.hold
	}
	return s.hold - s.jitter + rand.N(2*s.jitter)
}

// track follows connections in and out of StateNew.
func (s *Server) track(c net.Conn, st http.ConnState) {
	s.freshMu.Lock()
	defer s.freshMu.Unlock()
	if st == http.StateNew {
		s.fresh[c] = struct{}{}
	} else {
		delete(s.fresh, c)
	}
}

// closeFresh closes the connections still waiting for a first request, as
// http.Server does with idle ones.
func (s *Server) closeFresh() {
	s.freshMu.Lock()
	defer s.freshMu.Unlock()
	for c := range s.fresh {
		c.Close()
		delete(s.fresh, c)
	}
}

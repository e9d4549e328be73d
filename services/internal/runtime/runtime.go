package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Phase orders the steps of a shutdown; steps of one phase run in the order
// they were added.
type Phase int

// The shutdown order: readiness is withdrawn before any of these.
const (
	// PhaseDeregister withdraws the instance from discovery.
	PhaseDeregister Phase = iota
	// PhaseDrain answers parked long-polls, spread over the drain window.
	PhaseDrain
	// PhaseServers stops the Thrift and HTTP servers.
	PhaseServers
	// PhaseStores stops background work and closes stores.
	PhaseStores
	numPhases
)

var phaseNames = [numPhases]string{"deregister", "drain", "servers", "stores"}

type step struct {
	name string
	fn   func(context.Context) error
}

// Runtime is one service process's shared machinery.
type Runtime struct {
	// Log is the process logger.
	Log zerolog.Logger
	// Metrics is the process's registry, served on /metrics.
	Metrics *prometheus.Registry
	// Config is the common configuration it was built from.
	Config Common

	admin   *http.Server
	adminLn net.Listener
	ready   atomic.Bool
	steps   [numPhases][]step

	consul *api.Client // set on first use

	failOnce sync.Once
	failed   chan error // one slot: the first component failure ends Run
	wg       sync.WaitGroup
}

// New sets up logging and metrics and binds the admin port; nothing is served
// until Run.
func New(service string, c Common, logOut io.Writer) (*Runtime, error) {
	if c.Instance == "" {
		host, _ := os.Hostname()
		c.Instance = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	log, err := NewLogger(logOut, service, c.Instance, c.LogLevel, c.LogFormat)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", c.AdminAddr)
	if err != nil {
		return nil, fmt.Errorf("admin listen %s: %w", c.AdminAddr, err)
	}
	r := &Runtime{Log: log, Metrics: newRegistry(), Config: c, adminLn: ln, failed: make(chan error, 1)}
	r.admin = &http.Server{Handler: r.adminMux(), ReadHeaderTimeout: 5 * time.Second}
	return r, nil
}

// AdminAddr is the bound admin address.
func (r *Runtime) AdminAddr() string { return r.adminLn.Addr().String() }

// HealthURL is the URL Consul checks, reachable at the advertised host.
func (r *Runtime) HealthURL(advertiseHost string) string {
	_, port, _ := net.SplitHostPort(r.AdminAddr())
	return "http://" + net.JoinHostPort(advertiseHost, port) + "/readyz"
}

// OnStop adds a shutdown step to phase p.
func (r *Runtime) OnStop(p Phase, name string, fn func(context.Context) error) {
	r.steps[p] = append(r.steps[p], step{name, fn})
}

// Go runs a component's blocking loop (a Serve method). If it returns an
// error before shutdown, Run shuts the process down and returns that error.
func (r *Runtime) Go(name string, serve func() error) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if err := serve(); err != nil {
			r.failOnce.Do(func() { r.failed <- fmt.Errorf("%s: %w", name, err) })
		}
	}()
}

// SetReady marks the process ready: /readyz answers 200 from now on.
func (r *Runtime) SetReady() { r.ready.Store(true) }

// Run serves the admin port until ctx ends or a component fails, then shuts
// down in order under the configured deadline. It returns the component's
// failure, or the first shutdown error.
func (r *Runtime) Run(ctx context.Context) error {
	r.Go("admin", func() error {
		if err := r.admin.Serve(r.adminLn); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	r.Log.Info().Str("admin", r.AdminAddr()).Msg("started")
	var cause error
	select {
	case <-ctx.Done():
		r.Log.Info().Msg("shutting down")
	case cause = <-r.failed:
		r.Log.Error().Err(cause).Msg("component failed; shutting down")
	}
	err := r.shutdown()
	r.wg.Wait()
	if cause != nil {
		return cause
	}
	return err
}

func (r *Runtime) shutdown() error {
	r.ready.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), r.Config.ShutdownTimeout)
	defer cancel()
	var first error
	for p, steps := range r.steps {
		for _, s := range steps {
			start := time.Now()
			if err := s.fn(ctx); err != nil {
				r.Log.Warn().Err(err).Str("phase", phaseNames[p]).Str("step", s.name).Msg("shutdown step failed")
				first = firstErr(first, fmt.Errorf("%s: %w", s.name, err))
				continue
			}
			r.Log.Debug().Str("phase", phaseNames[p]).Str("step", s.name).Dur("took", time.Since(start)).Msg("stopped")
		}
	}
	if err := r.admin.Shutdown(ctx); err != nil {
		first = firstErr(first, fmt.Errorf("admin: %w", err))
	}
	r.Log.Info().Msg("stopped")
	return first
}

func firstErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// SignalContext is cancelled by SIGINT or SIGTERM.
func SignalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

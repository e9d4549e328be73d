// Package runtest runs a service's composed run function inside a test, the
// way main runs it, and learns the addresses it bound from its JSON log:
// tests then talk to the service over its real ports.
package runtest

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"
)

// RunFunc is the signature of every service's run in main.go: it serves
// until ctx ends and logs to logOut.
type RunFunc func(ctx context.Context, args []string, logOut io.Writer) error

// DefaultStopTimeout bounds a shutdown when Service.StopTimeout is zero.
const DefaultStopTimeout = 40 * time.Second

// startTimeout is generous because a service under -race may first have to
// reach a Consul agent that is still electing itself.
const startTimeout = 20 * time.Second

// Service is how a test starts one service. Base flags belong to the
// service's own test file, since every service takes different ones; they
// must ask for loopback ports and "-log-format json", or Start never learns
// the addresses.
type Service struct {
	Run  RunFunc
	Args []string // put before the args of each Start

	// StopTimeout bounds how long run may take to return once its context
	// ends, which is how the tests catch a shutdown that hangs; zero means
	// DefaultStopTimeout.
	StopTimeout time.Duration
}

// Instance is a running run, with the addresses it logged.
type Instance struct {
	// Thrift and HTTP come from the "serving" log line, Admin from the
	// "started" one; an address the service does not log stays empty.
	Thrift, HTTP, Admin string

	t           testing.TB
	stopTimeout time.Duration
	cancel      func() // nil once stopped
	done        chan error
	drained     chan struct{} // closed when the log reader has read everything
}

// Start runs the service with s.Args followed by args and returns once it
// has logged "started". It fails the test if run ends or stays silent
// first. The instance is stopped by t.Cleanup if the test does not Stop it.
func (s Service) Start(t testing.TB, args ...string) *Instance {
	t.Helper()
	logR, logW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	in := &Instance{t: t, stopTimeout: s.StopTimeout, cancel: cancel,
		done: make(chan error, 1), drained: make(chan struct{})}
	if in.stopTimeout == 0 {
		in.stopTimeout = DefaultStopTimeout
	}
	all := append(append([]string(nil), s.Args...), args...)
	go func() {
		in.done <- s.Run(ctx, all, logW)
		// Closing the pipe is what ends the reader below.
		logW.Close()
	}()
	ready := make(chan struct{})
	go func() { // keeps reading so the service never blocks on the pipe
		defer close(in.drained)
		started := false
		sc := bufio.NewScanner(logR)
		for sc.Scan() {
			var line struct{ Message, Thrift, HTTP, Admin string }
			json.Unmarshal(sc.Bytes(), &line)
			if started {
				continue // the test reads the fields now: leave them be
			}
			switch line.Message {
			case "serving":
				in.Thrift, in.HTTP = line.Thrift, line.HTTP
			case "started":
				in.Admin = line.Admin
				started = true
				close(ready)
			}
		}
		// A line too long for the scanner stops it; drain the rest anyway.
		io.Copy(io.Discard, logR)
	}()
	t.Cleanup(in.Stop)
	select {
	case <-ready:
	case err := <-in.done:
		// run has returned, so there is nothing left for Stop to wait for.
		in.cancel()
		in.cancel = nil
		<-in.drained
		t.Fatalf("run ended before serving: %v", err)
	case <-time.After(startTimeout):
		t.Fatalf("no 'started' log line within %v", startTimeout)
	}
	return in
}

// Stop cancels run's context and fails the test unless run returns nil
// within the stop timeout. It is idempotent, so a test may stop an
// instance itself (to check what shutdown does) before t.Cleanup does.
func (in *Instance) Stop() {
	in.t.Helper()
	if in.cancel == nil {
		return
	}
	in.cancel()
	in.cancel = nil
	select {
	case err := <-in.done:
		if err != nil {
			in.t.Errorf("run after cancel = %v; want nil", err)
		}
	case <-time.After(in.stopTimeout):
		in.t.Fatalf("run did not return within %v after its context ended", in.stopTimeout)
	}
	<-in.drained
}

package runtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeRun logs like a service built on the shared runtime, then serves until
// ctx ends and returns stopErr.
func fakeRun(stopErr error) RunFunc {
	return func(ctx context.Context, args []string, logOut io.Writer) error {
		fmt.Fprintf(logOut, `{"level":"info","message":"serving","thrift":"127.0.0.1:1","http":"127.0.0.1:2","args":%q}`+"\n", strings.Join(args, " "))
		fmt.Fprintln(logOut, `{"level":"info","admin":"127.0.0.1:3","message":"started"}`)
		<-ctx.Done()
		fmt.Fprintln(logOut, `{"level":"info","message":"serving","thrift":"late","http":"late"}`)
		return stopErr
	}
}

func TestStartLearnsAddresses(t *testing.T) {
	var gotArgs []string
	run := func(ctx context.Context, args []string, logOut io.Writer) error {
		gotArgs = args
		return fakeRun(nil)(ctx, args, logOut)
	}
	in := Service{Run: run, Args: []string{"-base"}}.Start(t, "-extra")
	if in.Thrift != "127.0.0.1:1" || in.HTTP != "127.0.0.1:2" || in.Admin != "127.0.0.1:3" {
		t.Fatalf("addresses %q %q %q", in.Thrift, in.HTTP, in.Admin)
	}
	if strings.Join(gotArgs, " ") != "-base -extra" {
		t.Fatalf("run got args %q; want the base flags first", gotArgs)
	}
	in.Stop()
	in.Stop() // idempotent, as t.Cleanup calls it again
	if in.Thrift != "127.0.0.1:1" {
		t.Fatalf("a line after 'started' changed the addresses to %q", in.Thrift)
	}
}

func TestFailures(t *testing.T) {
	for name, c := range map[string]struct {
		svc  Service
		want string
	}{
		"error on stop": {Service{Run: fakeRun(errors.New("boom"))}, "run after cancel = boom; want nil"},
		"ends early": {Service{Run: func(context.Context, []string, io.Writer) error { return errors.New("bad flag") }},
			"run ended before serving: bad flag"},
		"hangs on stop": {Service{StopTimeout: 50 * time.Millisecond, Run: func(ctx context.Context, args []string, w io.Writer) error {
			fakeRun(nil)(ctx, args, w)
			time.Sleep(300 * time.Millisecond) // past StopTimeout, short enough for goleak
			return nil
		}}, "run did not return within 50ms after its context ended"},
	} {
		t.Run(name, func(t *testing.T) {
			r := &recorder{}
			r.do(func() { c.svc.Start(r) })
			r.cleanup()
			if len(r.failures) != 1 || r.failures[0] != c.want {
				t.Fatalf("failures %q; want [%q]", r.failures, c.want)
			}
		})
	}
	time.Sleep(300 * time.Millisecond) // let the hanging run end before goleak looks
}

// recorder is a testing.TB that records failures instead of failing, so
// the tests can check that Start and Stop fail when they should.
type recorder struct {
	testing.TB // nil: calling anything not defined below panics

	mu       sync.Mutex // Errorf may come from any goroutine
	failures []string
	cleanups []func()
}

func (r *recorder) Helper()          {}
func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// do runs f on its own goroutine, as Fatalf ends the goroutine it runs on.
func (r *recorder) do(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

// cleanup runs the registered cleanups last first, as testing does.
func (r *recorder) cleanup() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.do(r.cleanups[i])
	}
}

package runtime

import (
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseEnvOverride(t *testing.T) {
	t.Setenv("THRIFTCHAT_LOG_LEVEL", "debug")
	t.Setenv("THRIFTCHAT_ADMIN_ADDR", "127.0.0.1:1")
	var c Common
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c.Register(fs, 0)
	if err := Parse(fs, []string{"-admin-addr", "127.0.0.1:2"}); err != nil {
		t.Fatal(err)
	}
	if c.LogLevel != "debug" {
		t.Errorf("env did not override the default: log level %q", c.LogLevel)
	}
	if c.AdminAddr != "127.0.0.1:2" {
		t.Errorf("env overrode an explicit flag: admin %q", c.AdminAddr)
	}
	if u := fs.Lookup("log-level").Usage; !strings.Contains(u, "THRIFTCHAT_LOG_LEVEL") {
		t.Errorf("usage does not name the variable: %q", u)
	}
}

func TestParseBadEnv(t *testing.T) {
	t.Setenv("THRIFTCHAT_SHUTDOWN_TIMEOUT", "soon")
	var c Common
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c.Register(fs, 0)
	if err := Parse(fs, nil); err == nil || !strings.Contains(err.Error(), "THRIFTCHAT_SHUTDOWN_TIMEOUT") {
		t.Fatalf("bad env value: %v, want an error naming the variable", err)
	}
}

func newTest(t *testing.T) *Runtime {
	t.Helper()
	r, err := New("test", Common{AdminAddr: "127.0.0.1:0", LogLevel: "info", LogFormat: "json", ShutdownTimeout: 5 * time.Second}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func status(t *testing.T, r *Runtime, path string) int {
	t.Helper()
	resp, err := http.Get("http://" + r.AdminAddr() + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestReadinessAndShutdownOrder(t *testing.T) {
	r := newTest(t)
	var order []string
	// Added out of order on purpose: phases decide, not registration.
	r.OnStop(PhaseStores, "store", func(context.Context) error { order = append(order, "store"); return nil })
	r.OnStop(PhaseServers, "thrift", func(context.Context) error { order = append(order, "thrift"); return nil })
	r.OnStop(PhaseDrain, "drain", func(context.Context) error {
		if r.ready.Load() {
			t.Error("still ready while draining")
		}
		order = append(order, "drain")
		return nil
	})
	r.OnStop(PhaseDeregister, "deregister", func(context.Context) error { order = append(order, "deregister"); return nil })

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	waitFor(t, func() bool { return status(t, r, "/healthz") == 200 })
	if got := status(t, r, "/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("readyz before SetReady = %d", got)
	}
	r.SetReady()
	if got := status(t, r, "/readyz"); got != 200 {
		t.Errorf("readyz after SetReady = %d", got)
	}
	if got := status(t, r, "/metrics"); got != 200 {
		t.Errorf("metrics = %d", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, ","); got != "deregister,drain,thrift,store" {
		t.Fatalf("shutdown order %s", got)
	}
}

func TestComponentFailureEndsRun(t *testing.T) {
	r := newTest(t)
	stopped := false
	r.OnStop(PhaseServers, "x", func(context.Context) error { stopped = true; return nil })
	r.Go("thrift", func() error { return errors.New("port gone") })
	err := r.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "port gone") {
		t.Fatalf("Run = %v, want the component's error", err)
	}
	if !stopped {
		t.Fatal("shutdown steps did not run after a failure")
	}
}

func TestParseStatic(t *testing.T) {
	insts, err := ParseStatic("channel", "127.0.0.1:9101|http_addr=127.0.0.1:8101, 127.0.0.1:9111")
	if err != nil {
		t.Fatal(err)
	}
	if len(insts) != 2 || insts[0].Meta["http_addr"] != "127.0.0.1:8101" || insts[1].ID != "127.0.0.1:9111" {
		t.Fatalf("parsed %+v", insts)
	}
	for _, bad := range []string{"nohost", "127.0.0.1:1|novalue"} {
		if _, err := ParseStatic("x", bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		time.Sleep(5 * time.Millisecond) // polling a condition
	}
}

func TestHealthcheck(t *testing.T) {
	r := newTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() { cancel(); <-done }()
	t.Setenv("THRIFTCHAT_ADMIN_ADDR", r.AdminAddr())
	waitFor(t, func() bool { return status(t, r, "/healthz") == 200 })
	if code := Healthcheck(1); code != 1 {
		t.Errorf("healthcheck before ready = %d, want 1", code)
	}
	r.SetReady()
	if code := Healthcheck(1); code != 0 {
		t.Errorf("healthcheck when ready = %d, want 0", code)
	}
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// instance is a running run(), with the addresses it logged.
type instance struct {
	thrift, admin string
	cancel        func()
	done          chan error
	drained       chan struct{}
}

// start runs the composed service with args on loopback ports and waits
// until it logs that it has started.
func start(t *testing.T, dataDir string, args ...string) *instance {
	t.Helper()
	logR, logW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{cancel: cancel, done: make(chan error, 1), drained: make(chan struct{})}
	base := []string{"-thrift-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-advertise", "127.0.0.1",
		"-log-format", "json", "-data-dir", dataDir, "-shutdown-timeout", "5s"}
	go func() {
		in.done <- run(ctx, append(base, args...), logW)
		logW.Close()
	}()
	ready := make(chan struct{})
	go func() { // keeps reading so the service never blocks on the pipe
		defer close(in.drained)
		sc := bufio.NewScanner(logR)
		for sc.Scan() {
			var line struct{ Message, Thrift, Admin string }
			json.Unmarshal(sc.Bytes(), &line)
			switch line.Message {
			case "serving":
				in.thrift = line.Thrift
			case "started":
				in.admin = line.Admin
				close(ready)
			}
		}
	}()
	t.Cleanup(func() { in.stop(t) })
	select {
	case <-ready:
	case err := <-in.done:
		t.Fatalf("run ended before serving: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("no 'started' log line within 20s")
	}
	return in
}

// stop cancels run and checks it returned cleanly; it is idempotent.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	if in.cancel == nil {
		return
	}
	in.cancel()
	in.cancel = nil
	select {
	case err := <-in.done:
		if err != nil {
			t.Errorf("run returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return within 15s of cancel")
	}
	<-in.drained
}

func (in *instance) resolver() discovery.Resolver {
	return discovery.NewStatic(discovery.Instance{ID: in.thrift, Addr: in.thrift})
}

func TestRunServesAndKeepsData(t *testing.T) {
	dir := t.TempDir()
	in := start(t, dir)
	resp, err := http.Get("http://" + in.admin + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz = %v, %v; want 200", resp, err)
	}
	resp.Body.Close()
	c := chatlogclient.New(in.resolver())
	m, err := c.Append(context.Background(), 1, 2, "kept", "k1")
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	in.stop(t)

	in = start(t, dir)
	c = chatlogclient.New(in.resolver())
	defer c.Close()
	p, err := c.History(context.Background(), m.Conversation, 0, -1, 10)
	if err != nil || len(p.Messages) != 1 || p.Messages[0] != m {
		t.Fatalf("after a restart: %+v, %v; want %+v", p.Messages, err, m)
	}
}

func TestRunRefusesAStaticListWithoutItself(t *testing.T) {
	err := run(context.Background(), []string{"-thrift-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-data-dir", t.TempDir(), "-chatlog-addrs", "127.0.0.1:1", "-log-format", "json"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "does not list") {
		t.Fatalf("run = %v; want a refusal naming -chatlog-addrs", err)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	if err := run(context.Background(), []string{"-commit-max-batch", "0"}, io.Discard); err == nil {
		t.Fatal("run with -commit-max-batch 0 succeeded")
	}
}

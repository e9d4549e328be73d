package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/runtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// instance is a running service under the names consul_test.go uses.
type instance struct {
	*runtest.Instance
	thrift string
}

// start runs the composed service on loopback ports with its data in
// dataDir. Its shutdown is bounded by -shutdown-timeout 5s, so a run that
// has not returned 15s after cancel has hung.
func start(t *testing.T, dataDir string, args ...string) *instance {
	t.Helper()
	in := runtest.Service{Run: run, StopTimeout: 15 * time.Second, Args: []string{
		"-thrift-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-advertise", "127.0.0.1",
		"-log-format", "json", "-data-dir", dataDir, "-shutdown-timeout", "5s"}}.Start(t, args...)
	return &instance{Instance: in, thrift: in.Thrift}
}

// stop cancels run and checks it returned cleanly; it is idempotent.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	in.Stop()
}

func (in *instance) resolver() discovery.Resolver {
	return discovery.NewStatic(discovery.Instance{ID: in.thrift, Addr: in.thrift})
}

func TestRunServesAndKeepsData(t *testing.T) {
	dir := t.TempDir()
	in := start(t, dir)
	resp, err := http.Get("http://" + in.Admin + "/readyz")
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

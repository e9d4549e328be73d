// Package consultest runs a real Consul agent (consul agent -dev) for tests,
// on free 127.0.0.1 ports, stopped by t.Cleanup.
package consultest

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
	"github.com/hashicorp/go-cleanhttp"
)

// Version is the Consul release scripts/build-consul.sh builds (MPL-2.0).
const Version = "v1.14.11"

// NodeName is the agent's node name.
const NodeName = "thriftchat-test"

const (
	readyTimeout = 30 * time.Second // leader election and first sync
	stopGrace    = 10 * time.Second // SIGTERM to SIGKILL
)

// Agent is a running (or stopped) consul agent -dev.
type Agent struct {
	t       testing.TB
	bin     string
	dataDir string
	logPath string
	ports   ports
	client  *api.Client

	mu     sync.Mutex // guards proc and starts: Stop runs from tests and from t.Cleanup
	proc   *process   // nil while stopped
	starts int        // numbers each start's data dir
}

// Start runs an agent and waits until it has elected itself leader and
// answers over HTTP. The binary is $CONSUL_BIN, else the one
// scripts/build-consul.sh caches; without one the test fails.
func Start(t testing.TB) *Agent {
	t.Helper()
	a := &Agent{t: t, bin: binary(t), dataDir: t.TempDir()}
	a.logPath = filepath.Join(t.TempDir(), "consul.log")
	t.Cleanup(a.Stop)
	// A port picked free may be taken before consul binds it; pick again.
	for attempt := 1; ; attempt++ {
		p, err := freePorts()
		if err != nil {
			t.Fatalf("consultest: %v", err)
		}
		a.ports = p
		// Keep-alives off: requests are few, and no idle connection (with
		// its goroutines) survives the test or a restarted agent.
		a.client, err = api.NewClient(&api.Config{Address: a.Addr(), Transport: cleanhttp.DefaultTransport()})
		if err != nil {
			t.Fatalf("consultest: consul client: %v", err)
		}
		before := a.logSize()
		err = a.start()
		if err == nil {
			return a
		}
		if attempt == 3 || !strings.Contains(a.logSince(before), "address already in use") {
			t.Fatalf("consultest: %v\n%s", err, a.logTail())
		}
	}
}

// Client returns a client of this agent; it stays valid across Restart.
func (a *Agent) Client() *api.Client { return a.client }

// Addr is the agent's HTTP address, host:port.
func (a *Agent) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(a.ports.http)) }

// LogPath is the file holding the agent's output.
func (a *Agent) LogPath() string { return a.logPath }

// Stop stops the agent (SIGTERM, then SIGKILL after a grace period) and
// reaps it; it does nothing if the agent is stopped.
func (a *Agent) Stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.proc == nil {
		return
	}
	if err := a.proc.stop(stopGrace); err != nil {
		a.t.Logf("consultest: %v", err)
	}
	a.proc = nil
}

// Restart stops the agent if it runs and starts a fresh one on the same
// ports, waiting until it is ready. The new agent starts empty (no
// registrations, a new raft index), as a restarted dev agent does. Call it
// from the test's goroutine.
func (a *Agent) Restart() {
	a.t.Helper()
	a.Stop()
	if err := a.start(); err != nil {
		a.t.Fatalf("consultest: restart: %v\n%s", err, a.logTail())
	}
}

// start launches the agent on a.ports and waits until it is ready; on
// failure the agent is stopped.
func (a *Agent) start() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	out, err := os.OpenFile(a.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open agent log: %w", err)
	}
	// The child holds its own copy of the descriptor.
	defer out.Close()
	fmt.Fprintf(out, "==== consultest: starting %s on %s\n", a.bin, a.Addr())
	// A fresh data dir per start: the agent persists API registrations there,
	// and a restarted agent must come back empty, as a dev agent does.
	a.starts++
	data := filepath.Join(a.dataDir, fmt.Sprintf("run-%d", a.starts))
	args := append([]string{
		"agent", "-dev", "-node", NodeName, "-bind", "127.0.0.1", "-client", "127.0.0.1",
		"-data-dir", data, "-log-level", "info", "-hcl", "disable_update_check = true",
	}, a.ports.args()...)
	p, err := launch(a.bin, args, out)
	if err != nil {
		return err
	}
	if err := a.waitReady(p); err != nil {
		if serr := p.stop(stopGrace); serr != nil {
			err = fmt.Errorf("%w (%v)", err, serr)
		}
		return err
	}
	a.proc = p
	return nil
}

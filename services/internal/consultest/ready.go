package consultest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

// waitReady polls until the agent is leader and its node is healthy (so
// passing-only health queries can list services on it), until p exits, or
// until readyTimeout.
func (a *Agent) waitReady(p *process) error {
	deadline := time.NewTimer(readyTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		err := a.ready()
		if err == nil {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("consul exited before it was ready: %v", p.err)
		case <-deadline.C:
			return fmt.Errorf("consul not ready after %s: %w", readyTimeout, err)
		case <-tick.C:
		}
	}
}

// ready reports why the agent is not ready yet, or nil.
func (a *Agent) ready() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	q := (&api.QueryOptions{}).WithContext(ctx)
	leader, err := a.client.Status().LeaderWithQueryOptions(q)
	if err != nil {
		return err
	}
	if leader == "" {
		return errors.New("no leader yet")
	}
	checks, _, err := a.client.Health().Node(NodeName, q)
	if err != nil {
		return err
	}
	for _, c := range checks {
		if c.CheckID == "serfHealth" && c.Status == api.HealthPassing {
			return nil
		}
	}
	return fmt.Errorf("node %s not healthy yet", NodeName)
}

// logTail is the end of the agent's output, for failure messages.
func (a *Agent) logTail() string {
	b, err := os.ReadFile(a.logPath)
	if err != nil {
		return fmt.Sprintf("(no agent log: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	lines = lines[max(0, len(lines)-40):]
	return "---- consul agent log (" + a.logPath + "), last lines:\n" + strings.Join(lines, "\n")
}

// logSize is the agent log's current length.
func (a *Agent) logSize() int64 {
	fi, err := os.Stat(a.logPath)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// logSince is the agent's output after the first off bytes.
func (a *Agent) logSince(off int64) string {
	b, err := os.ReadFile(a.logPath)
	if err != nil || int64(len(b)) < off {
		return ""
	}
	return string(b[off:])
}

// LogTail is the end of the agent's output, for a test's failure message.
func (a *Agent) LogTail() string { return a.logTail() }

// binary finds the consul binary, or fails the test saying how to build it.
func binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("CONSUL_BIN")
	if bin == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			cache = filepath.Join(os.Getenv("HOME"), ".cache")
		}
		bin = filepath.Join(cache, "thriftchat", "consul-"+Version)
	}
	fi, err := os.Stat(bin)
	if err == nil && (fi.IsDir() || fi.Mode()&0o111 == 0) {
		err = errors.New("not an executable file")
	}
	if err != nil {
		t.Fatalf("consultest: no consul binary at %s (%v).\n"+
			"Build Consul %s once with scripts/build-consul.sh (it caches the binary there; "+
			"about ten minutes), or point CONSUL_BIN at a consul binary.", bin, err, Version)
	}
	return bin
}

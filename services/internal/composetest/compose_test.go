// Package composetest brings the docker compose stack up and chats through
// its published web port. It runs only with THRIFTCHAT_COMPOSE_TEST=1 (as
// `make compose-test` sets), since it needs Docker and the images.
package composetest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/thriftchat/thriftchat/services/internal/browserapi"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

const project = "thriftchat-ci"

type stack struct {
	t      *testing.T
	root   string
	env    []string
	web    string
	consul *api.Client
}

func compose(s *stack, args ...string) (string, error) {
	cmd := exec.Command("bash", append([]string{filepath.Join(s.root, "scripts/compose.sh"), "-p", project}, args...)...)
	cmd.Dir, cmd.Env = s.root, s.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	return p
}

func up(t *testing.T) *stack {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	webPort, consulPort, thriftPort := freePort(t), freePort(t), freePort(t)
	s := &stack{t: t, root: root, web: "http://127.0.0.1:" + webPort}
	s.env = append(os.Environ(), "THRIFTCHAT_WEB_PORT="+webPort, "THRIFTCHAT_CONSUL_PORT="+consulPort,
		"THRIFTCHAT_WEB_THRIFT_PORT="+thriftPort, "CONSUL_IMAGE="+envOr("CONSUL_IMAGE", "thriftchat/consul:1.14.11"))
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := compose(s, "logs", "--no-color", "--tail", "60")
			t.Logf("compose logs:\n%s", logs)
		}
		if out, err := compose(s, "down", "-v", "--remove-orphans", "-t", "10"); err != nil {
			t.Errorf("compose down: %v\n%s", err, out)
		}
	})
	t.Log("compose up --scale channel=3 --scale presence=2")
	if out, err := compose(s, "up", "-d", "--no-build", "--scale", "channel=3", "--scale", "presence=2"); err != nil {
		t.Fatalf("compose up: %v\n%s", err, out)
	}
	cfg := api.DefaultConfig()
	cfg.Address = "127.0.0.1:" + consulPort
	if s.consul, err = api.NewClient(cfg); err != nil {
		t.Fatal(err)
	}
	return s
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// passing lists the healthy instances of service in Consul.
func (s *stack) passing(service string) []discovery.Instance {
	entries, _, err := s.consul.Health().Service(service, "", true, nil)
	if err != nil {
		return nil
	}
	out := make([]discovery.Instance, 0, len(entries))
	for _, e := range entries {
		out = append(out, discovery.Instance{ID: e.Service.ID, Addr: net.JoinHostPort(e.Service.Address, fmt.Sprint(e.Service.Port))})
	}
	return out
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(250 * time.Millisecond) // polling a condition
	}
}

// allHealthy reports whether every container of the project passes its
// own Docker health check (the binaries' `healthcheck` subcommand).
func (s *stack) allHealthy() bool {
	out, err := compose(s, "ps", "-q")
	if err != nil || len(strings.Fields(out)) == 0 {
		return false
	}
	for _, id := range strings.Fields(out) {
		b, err := exec.Command("docker", "inspect", "-f", "{{.State.Health.Status}}", id).Output()
		if err != nil || strings.TrimSpace(string(b)) != "healthy" {
			return false
		}
	}
	return true
}

// containerWithIP finds the compose container of service holding ip.
func (s *stack) containerWithIP(service, ip string) string {
	out, err := compose(s, "ps", "-q", service)
	if err != nil {
		s.t.Fatalf("compose ps: %v\n%s", err, out)
	}
	for _, id := range strings.Fields(out) {
		b, err := exec.Command("docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", id).Output()
		if err == nil && strings.Contains(" "+string(b), " "+ip+" ") {
			return id
		}
	}
	s.t.Fatalf("no %s container has address %s", service, ip)
	return ""
}

func login(t *testing.T, ctx context.Context, web string, user int64) *browserapi.Client {
	c, err := browserapi.New(web)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DemoLogin(ctx, user); err != nil {
		t.Fatalf("login %d: %v", user, err)
	}
	return c
}

package consultest

import (
	"testing"

	"github.com/hashicorp/consul/api"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAgentStopRestart(t *testing.T) {
	a := Start(t)
	c := a.Client()
	if leader, err := c.Status().Leader(); err != nil || leader == "" {
		t.Fatalf("after Start: leader %q, err %v\n%s", leader, err, a.LogTail())
	}
	reg := &api.AgentServiceRegistration{ID: "probe-1", Name: "probe", Port: 1}
	if err := c.Agent().ServiceRegister(reg); err != nil {
		t.Fatalf("register on the agent: %v", err)
	}

	a.Stop()
	if _, err := c.Status().Leader(); err == nil {
		t.Fatal("after Stop the agent still answers")
	}
	a.Stop() // idempotent

	a.Restart()
	if leader, err := c.Status().Leader(); err != nil || leader == "" {
		t.Fatalf("after Restart: leader %q, err %v\n%s", leader, err, a.LogTail())
	}
	services, err := c.Agent().Services()
	if err != nil {
		t.Fatalf("list services after Restart: %v", err)
	}
	if _, ok := services["probe-1"]; ok {
		t.Fatal("a restarted dev agent still holds the old registration; restart did not happen")
	}

	a.Restart() // while running: stops, then starts on the same ports
	if _, err := c.Status().Leader(); err != nil {
		t.Fatalf("after a second Restart: %v\n%s", err, a.LogTail())
	}
}

func TestTwoAgentsDoNotCollide(t *testing.T) {
	a, b := Start(t), Start(t)
	if a.Addr() == b.Addr() {
		t.Fatalf("two agents on one address %s", a.Addr())
	}
	for _, x := range []*Agent{a, b} {
		if _, err := x.Client().Status().Leader(); err != nil {
			t.Fatalf("agent %s: %v\n%s", x.Addr(), err, x.LogTail())
		}
	}
}

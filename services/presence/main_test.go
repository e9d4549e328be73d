package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestRun starts the composed service on loopback ports, feeds and reads it
// through the real client, checks readiness, and shuts it down by context.
func TestRun(t *testing.T) {
	logR, logW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-thrift-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
			"-log-format", "json", "-instance", "presence-test", "-reporters", "chan-1"}, logW)
		logW.Close()
	}()
	// Read the log for the bound addresses; keep draining it afterwards so
	// the service never blocks on a full pipe.
	addrs := make(chan [2]string, 1)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		var thrift, admin string
		sc := bufio.NewScanner(logR)
		for sc.Scan() {
			var line struct{ Message, Addr, Admin string }
			json.Unmarshal(sc.Bytes(), &line)
			switch line.Message {
			case "serving thrift":
				thrift = line.Addr
			case "started":
				admin = line.Admin
				addrs <- [2]string{thrift, admin}
			}
		}
	}()
	var thriftAddr, adminAddr string
	select {
	case a := <-addrs:
		thriftAddr, adminAddr = a[0], a[1]
	case err := <-done:
		t.Fatalf("run ended before serving: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no 'started' log line within 10s")
	}

	resp, err := http.Get("http://" + adminAddr + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz: %v %v; want 200", resp, err)
	}
	resp.Body.Close()

	c := presenceclient.New(discovery.NewStatic(discovery.Instance{ID: thriftAddr, Addr: thriftAddr}))
	defer c.Close()
	if err := c.Report(ctx, "chan-1", 5*time.Second, []presenceclient.Entry{{User: 11}, {User: 12, Idle: time.Hour}}); err != nil {
		t.Fatalf("Report: %v", err)
	}
	got, err := c.Get(ctx, []int64{11, 12, 13})
	if err != nil {
		t.Fatal(err)
	}
	want := []presenceclient.State{presenceclient.Active, presenceclient.Idle, presenceclient.Offline}
	for i, p := range got {
		if p.State != want[i] {
			t.Errorf("user %d: %v; want %v", p.User, p.State, want[i])
		}
	}
	if err := c.Report(ctx, "chan-9", 5*time.Second, []presenceclient.Entry{{User: 11}}); !errors.Is(err, presenceclient.ErrInvalid) {
		t.Errorf("report from a reporter outside -reporters: %v; want ErrInvalid", err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel = %v; want nil", err)
		}
	case <-time.After(35 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
	<-drained
}

// TestRunFailsCleanly: a Thrift port already taken fails the start with an
// error naming it, after the ordered shutdown (goleak checks nothing is left).
func TestRunFailsCleanly(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	err = run(context.Background(), []string{"-thrift-addr", taken.Addr().String(), "-admin-addr", "127.0.0.1:0",
		"-log-format", "json", "-log-level", "error"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), taken.Addr().String()) {
		t.Fatalf("run on a taken port = %v; want an error naming %s", err, taken.Addr())
	}
}

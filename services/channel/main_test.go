package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/channel/channelclient"
	"github.com/thriftchat/thriftchat/services/internal/consultest"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/token"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const secret = "main-test-secret-main-test-secret"

// instance is a running run(), with the addresses it logged.
type instance struct {
	thrift, http, admin string
	cancel              func()
	done                chan error
}

// start runs the composed service with args on loopback ports and waits
// until it logs that it serves.
func start(t *testing.T, args ...string) *instance {
	t.Helper()
	logR, logW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{cancel: cancel, done: make(chan error, 1)}
	base := []string{"-thrift-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-advertise", "127.0.0.1", "-log-format", "json", "-token-secret", secret, "-drain-window", "200ms"}
	go func() {
		in.done <- run(ctx, append(base, args...), logW)
		logW.Close()
	}()
	ready := make(chan struct{})
	drained := make(chan struct{})
	go func() { // keeps reading so the service never blocks on the pipe
		defer close(drained)
		sc := bufio.NewScanner(logR)
		for sc.Scan() {
			var line struct{ Message, Thrift, HTTP, Admin string }
			json.Unmarshal(sc.Bytes(), &line)
			switch line.Message {
			case "serving":
				in.thrift, in.http = line.Thrift, line.HTTP
			case "started":
				in.admin = line.Admin
				close(ready)
			}
		}
	}()
	t.Cleanup(func() { in.stop(t); <-drained })
	select {
	case <-ready:
	case err := <-in.done:
		t.Fatalf("run ended before serving: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("no 'started' log line within 20s")
	}
	return in
}

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
			t.Errorf("run after cancel = %v; want nil", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
}

type answer struct {
	Type       string
	Epoch, Seq int64
	Messages   []struct {
		Seq     int64
		Payload json.RawMessage
	}
}

// poll polls once; it may run off the test's goroutine, so it reports
// failures as a zero answer with Type set to the error.
func poll(httpAddr string, user, epoch, seq int64) answer {
	signer, _ := token.NewSigner([]byte(secret))
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("http://%s/poll?epoch=%d&seq=%d&idle=2", httpAddr, epoch, seq), nil)
	req.Header.Set("Authorization", "Bearer "+signer.Issue(user, time.Now().Add(time.Minute)))
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return answer{Type: "failed: " + err.Error()}
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return answer{Type: "failed: " + err.Error()}
	}
	return a
}

// exercise checks the instance end to end: handshake over Thrift, a parked
// poll answered by a Thrift delivery, then a drain on shutdown.
func exercise(t *testing.T, in *instance, res discovery.Resolver) {
	t.Helper()
	c := channelclient.New(res)
	defer c.Close()
	ctx := context.Background()
	st, err := c.State(ctx, 7)
	if err != nil || st.Epoch <= 0 {
		t.Fatalf("state: %+v, %v", st, err)
	}
	answers := make(chan answer, 1)
	go func() { answers <- poll(in.http, 7, st.Epoch, st.Seq) }()
	// Parked or not yet, the poll gets the payload: a poll that comes after
	// the delivery is answered at once.
	res7, err := c.Deliver(ctx, []channelclient.Delivery{{User: 7, Payload: []byte(`{"kind":"typing","from":1,"to":7,"typing":true}`)}})
	if err != nil || res7[0].Status != channelclient.Delivered || res7[0].Epoch != st.Epoch {
		t.Fatalf("deliver: %+v, %v", res7, err)
	}
	select {
	case a := <-answers:
		if a.Type != "messages" || a.Seq != res7[0].Seq || !strings.Contains(string(a.Messages[0].Payload), `"typing":true`) {
			t.Fatalf("poll answer %+v", a)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the delivered payload never reached the poll")
	}
	resp, err := http.Get("http://" + in.admin + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz: %v %v", resp, err)
	}
	resp.Body.Close()

	// A poll parked at shutdown is answered "continue" within the drain window.
	go func() { answers <- poll(in.http, 7, st.Epoch, res7[0].Seq) }()
	waitFor(t, "a parked poll", func() bool { return strings.Contains(metricsText(t, in.admin), "channel_parked_polls 1") })
	in.stop(t)
	if a := <-answers; a.Type != "continue" {
		t.Fatalf("poll at shutdown: %+v", a)
	}
}

func TestRunStatic(t *testing.T) {
	in := start(t)
	exercise(t, in, discovery.NewStatic(discovery.Instance{ID: in.thrift, Addr: in.thrift}))
}

func TestRunConsul(t *testing.T) {
	agent := consultest.Start(t)
	in := start(t, "-consul", agent.Addr(), "-instance", "chan-consul-1", "-public-url", "https://chat.example.com/c1")
	var svc *api.ServiceEntry
	waitFor(t, "a healthy channel in Consul", func() bool {
		entries, _, err := agent.Client().Health().Service("channel", "", true, nil)
		if err != nil || len(entries) != 1 {
			return false
		}
		svc = entries[0]
		return true
	})
	if svc.Service.ID != "chan-consul-1" || svc.Service.Meta[channelclient.MetaHTTPAddr] != in.http ||
		svc.Service.Meta[discovery.MetaPollURL] != "https://chat.example.com/c1" {
		t.Fatalf("registered %+v", svc.Service)
	}
	exercise(t, in, discovery.NewStatic(discovery.Instance{ID: "chan-consul-1", Addr: in.thrift}))
	entries, _, err := agent.Client().Health().Service("channel", "", false, nil)
	if err != nil || len(entries) != 0 {
		t.Fatalf("after shutdown Consul still lists %d channel instances (%v)", len(entries), err)
	}
}

func metricsText(t *testing.T, admin string) string {
	resp, err := http.Get("http://" + admin + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

package main

import (
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
	"github.com/thriftchat/thriftchat/services/internal/runtest"
	"github.com/thriftchat/thriftchat/services/internal/token"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const secret = "main-test-secret-main-test-secret"

// service is the composed channel service on loopback ports.
var service = runtest.Service{Run: run, Args: []string{
	"-thrift-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
	"-advertise", "127.0.0.1", "-log-format", "json", "-token-secret", secret, "-drain-window", "200ms"}}

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
func exercise(t *testing.T, in *runtest.Instance, res discovery.Resolver) {
	t.Helper()
	c := channelclient.New(res)
	defer c.Close()
	ctx := context.Background()
	st, err := c.State(ctx, 7)
	if err != nil || st.Epoch <= 0 {
		t.Fatalf("state: %+v, %v", st, err)
	}
	answers := make(chan answer, 1)
	go func() { answers <- poll(in.HTTP, 7, st.Epoch, st.Seq) }()
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
	resp, err := http.Get("http://" + in.Admin + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz: %v %v", resp, err)
	}
	resp.Body.Close()

	// A poll parked at shutdown is answered "continue" within the drain window.
	go func() { answers <- poll(in.HTTP, 7, st.Epoch, res7[0].Seq) }()
	waitFor(t, "a parked poll", func() bool { return strings.Contains(metricsText(t, in.Admin), "channel_parked_polls 1") })
	in.Stop()
	if a := <-answers; a.Type != "continue" {
		t.Fatalf("poll at shutdown: %+v", a)
	}
}

func TestRunStatic(t *testing.T) {
	in := service.Start(t)
	exercise(t, in, discovery.NewStatic(discovery.Instance{ID: in.Thrift, Addr: in.Thrift}))
}

func TestRunConsul(t *testing.T) {
	agent := consultest.Start(t)
	in := service.Start(t, "-consul", agent.Addr(), "-instance", "chan-consul-1", "-public-url", "https://chat.example.com/c1")
	var svc *api.ServiceEntry
	waitFor(t, "a healthy channel in Consul", func() bool {
		entries, _, err := agent.Client().Health().Service("channel", "", true, nil)
		if err != nil || len(entries) != 1 {
			return false
		}
		svc = entries[0]
		return true
	})
	if svc.Service.ID != "chan-consul-1" || svc.Service.Meta[channelclient.MetaHTTPAddr] != in.HTTP ||
		svc.Service.Meta[discovery.MetaPollURL] != "https://chat.example.com/c1" {
		t.Fatalf("registered %+v", svc.Service)
	}
	exercise(t, in, discovery.NewStatic(discovery.Instance{ID: "chan-consul-1", Addr: in.Thrift}))
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

package longpoll

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/channel/internal/metrics"
	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/channel/internal/shard"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/token"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const secret = "0123456789abcdef0123456789abcdef-test"

var (
	self  = discovery.Instance{ID: "chan-a", Addr: "127.0.0.1:1", Meta: map[string]string{discovery.MetaPollURL: "http://a.example/"}}
	other = discovery.Instance{ID: "chan-b", Addr: "127.0.0.1:2", Meta: map[string]string{discovery.MetaPollURL: "http://b.example/"}}
)

// env is one channel instance's long-poll side on 127.0.0.1:0, with a
// shard that owns every user until the test changes the view.
type env struct {
	srv    *Server
	shard  *shard.Shard
	view   *discovery.Static
	signer *token.Signer
	m      *metrics.Channel
	base   string // http://127.0.0.1:port
	client *http.Client
}

type queueLimits = queue.Limits

type opt func(*Options, *queueLimits)

func start(t *testing.T, opts ...opt) *env {
	t.Helper()
	signer, err := token.NewSigner([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Signer: signer, Log: zerolog.Nop(), Origins: []string{"http://web.example"}, Hold: 30 * time.Second}
	l := queue.DefaultLimits()
	for _, f := range opts {
		f(&o, &l)
	}
	view := discovery.NewStatic(self)
	hub := queue.NewHub(l)
	o.Shard = shard.New(shard.Options{Self: self.Addr, Resolver: view, Hub: hub})
	o.Metrics = metrics.New(prometheus.NewRegistry(), hub)
	srv, err := Listen("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran, served := make(chan error, 1), make(chan error, 1)
	go func() { ran <- o.Shard.Run(ctx) }()
	go func() { served <- srv.Serve() }()
	e := &env{srv: srv, shard: o.Shard, view: view, signer: signer, m: o.Metrics,
		base: "http://" + srv.Addr().String(), client: &http.Client{Transport: &http.Transport{}}}
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		if err := srv.Shutdown(sctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		cancel()
		<-ran
		e.client.CloseIdleConnections()
	})
	return e
}

func (e *env) token(user int64) string { return e.signer.Issue(user, time.Now().Add(time.Hour)) }

// answer is any answer of the poll protocol.
type answer struct {
	status   int
	header   http.Header
	Type     string `json:"type"`
	Epoch    int64  `json:"epoch"`
	Seq      int64  `json:"seq"`
	Owner    string `json:"owner"`
	URL      string `json:"url"`
	Error    string `json:"error"`
	Messages []struct {
		Seq     int64           `json:"seq"`
		Payload json.RawMessage `json:"payload"`
	} `json:"messages"`
	raw string
}

// get polls with query q and token tok ("" for none) in the Authorization header.
func (e *env) get(t *testing.T, q, tok string, hdr ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.base+"/poll?"+q, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return e.do(t, req)
}

func (e *env) do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := e.client.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", req.Method, req.URL, err)
		return answer{}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("read body: %v", err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(body)}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &a); err != nil {
			t.Errorf("answer %q is not JSON: %v", body, err)
		}
	}
	return a
}

// poll polls as user at (epoch, seq).
func (e *env) poll(t *testing.T, user, epoch, seq int64) answer {
	t.Helper()
	return e.get(t, fmt.Sprintf("epoch=%d&seq=%d&idle=0", epoch, seq), e.token(user))
}

// handshake returns user's cursor the way a fresh client learns it: epoch 0
// is answered "reset".
func (e *env) handshake(t *testing.T, user int64) (epoch, seq int64) {
	t.Helper()
	a := e.poll(t, user, 0, 0)
	if a.status != http.StatusOK || a.Type != "reset" || a.Epoch <= 0 {
		t.Fatalf("handshake: %d %s", a.status, a.raw)
	}
	return a.Epoch, a.Seq
}

// deliver enqueues payloads for user through the shard, as the Thrift API does.
func (e *env) deliver(t *testing.T, user int64, payloads ...string) {
	t.Helper()
	ds := make([]shard.Delivery, len(payloads))
	for i, p := range payloads {
		ds[i] = shard.Delivery{User: user, Payload: p}
	}
	out, err := e.shard.Deliver(ds)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		if o.Status != shard.Delivered {
			t.Fatalf("deliver to %d: %+v", user, o)
		}
	}
}

// parked reads the parked-polls gauge.
func (e *env) parked() int {
	var m dto.Metric
	e.m.Parked.Write(&m)
	return int(m.GetGauge().GetValue())
}

// waitParked waits until n polls are parked.
func (e *env) waitParked(t *testing.T, n int) {
	t.Helper()
	eventually(t, fmt.Sprintf("%d polls parked", n), func() bool { return e.parked() == n })
}

// eventually waits up to 10 s for cond, checking every millisecond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// async runs a poll in the background.
func async(fn func() answer) <-chan answer {
	ch := make(chan answer, 1)
	go func() { ch <- fn() }()
	return ch
}

func recv(t *testing.T, ch <-chan answer) answer {
	t.Helper()
	select {
	case a := <-ch:
		return a
	case <-time.After(10 * time.Second):
		t.Fatal("no answer within 10s")
		return answer{}
	}
}

func payloads(a answer) string {
	var out []string
	for _, m := range a.Messages {
		out = append(out, fmt.Sprintf("%d:%s", m.Seq, m.Payload))
	}
	return strings.Join(out, " ")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ownedBy returns a user that the view {self, other} gives to instance id.
func ownedBy(id string) int64 {
	v := discovery.NewView([]discovery.Instance{self, other})
	for u := int64(1); ; u++ {
		if in, _ := v.Owner(discovery.HashUser(u)); in.ID == id {
			return u
		}
	}
}

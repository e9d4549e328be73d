package longpoll

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
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

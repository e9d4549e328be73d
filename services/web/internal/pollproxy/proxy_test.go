package pollproxy

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/web/internal/session"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const secret = "pollproxy-test-secret-0123456789abcdef"

// upstream is a fake channel instance: it reports each poll it receives and
// answers when told to (or when the poll is cancelled).
type upstream struct {
	name    string
	srv     *httptest.Server
	arrived chan *http.Request // one per poll received
	release chan string        // a body to answer the oldest parked poll with
	gone    chan struct{}      // one per poll whose client went away
}

func newUpstream(t *testing.T, name string) *upstream {
	u := &upstream{name: name, arrived: make(chan *http.Request, 16), release: make(chan string), gone: make(chan struct{}, 16)}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.arrived <- r.Clone(context.Background())
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Content-Type-Options", "nosniff") // the proxy drops its copy
		w.Header().Set("X-Upstream", name)
		select {
		case body := <-u.release:
			io.WriteString(w, body)
		case <-r.Context().Done():
			u.gone <- struct{}{}
		}
	}))
	t.Cleanup(u.srv.Close)
	return u
}

func (u *upstream) inst() discovery.Instance {
	addr := strings.TrimPrefix(u.srv.URL, "http://")
	return discovery.Instance{ID: u.name, Service: "channel", Addr: "thrift-" + u.name,
		Meta: map[string]string{MetaHTTPAddr: addr, discovery.MetaPollURL: "https://" + u.name + ".example/poll"}}
}

type harness struct {
	t        *testing.T
	view     *discovery.Static
	proxy    *Proxy
	srv      *httptest.Server
	client   *http.Client
	sessions *session.Manager
	reg      *prometheus.Registry
}

func newHarness(t *testing.T, insts ...discovery.Instance) *harness {
	sessions, err := session.NewManager([]byte(secret), nil)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, view: discovery.NewStatic(insts...), sessions: sessions, reg: prometheus.NewRegistry()}
	h.proxy = New(Config{Router: Router{View: h.view.View}, Sessions: sessions, Metrics: h.reg, Log: zerolog.Nop()})
	h.srv = httptest.NewServer(h.proxy)
	h.client = &http.Client{Transport: &http.Transport{}}
	t.Cleanup(func() {
		h.client.CloseIdleConnections()
		h.srv.Close()
		h.proxy.Close()
	})
	return h
}

func (h *harness) token(user int64) string {
	s, err := h.sessions.Open(user, time.Hour)
	if err != nil {
		h.t.Fatal(err)
	}
	return s.Token
}

// poll sends a poll and returns status and body.
func (h *harness) poll(ctx context.Context, query, auth string) (int, string, http.Header) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.srv.URL+"/poll?"+query, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Cookie", "tc_session=secret-cookie")
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err.Error(), nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// userOwnedBy finds a user id that view assigns to owner.
func userOwnedBy(t *testing.T, v *discovery.View, owner string) int64 {
	for u := int64(1); u < 1000; u++ {
		if inst, _ := v.Owner(discovery.HashUser(u)); inst.ID == owner {
			return u
		}
	}
	t.Fatalf("no user owned by %s", owner)
	return 0
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting")
		panic("unreachable")
	}
}

func TestRelaysToOwner(t *testing.T) {
	a, b := newUpstream(t, "a"), newUpstream(t, "b")
	h := newHarness(t, a.inst(), b.inst())
	for _, up := range []*upstream{a, b} {
		user := userOwnedBy(t, h.view.View(), up.name)
		type result struct {
			status int
			body   string
			hdr    http.Header
		}
		done := make(chan result, 1)
		go func() {
			s, body, hdr := h.poll(context.Background(), "epoch=3&seq=7&idle=12&x=%2F..%2Fadmin", "Bearer "+h.token(user))
			done <- result{s, body, hdr}
		}()
		req := recv(t, up.arrived)
		if req.URL.Path != "/poll" || req.URL.RawQuery != "epoch=3&seq=7&idle=12&x=%2F..%2Fadmin" {
			t.Fatalf("%s got %s?%s; want /poll with the query unchanged", up.name, req.URL.Path, req.URL.RawQuery)
		}
		if req.Header.Get("Authorization") != "Bearer "+h.token(user) || req.Header.Get("Cookie") != "" {
			t.Fatalf("%s got Authorization %q, Cookie %q; want the bearer token and no cookie",
				up.name, req.Header.Get("Authorization"), req.Header.Get("Cookie"))
		}
		if req.Header.Get("X-Forwarded-For") == "" {
			t.Fatal("X-Forwarded-For not set")
		}
		if got := gauge(h.proxy.inFlight); got != 1 {
			t.Fatalf("in flight = %v while parked, want 1", got)
		}
		up.release <- `{"type":"continue","epoch":3,"seq":7}`
		r := recv(t, done)
		if r.status != 200 || r.body != `{"type":"continue","epoch":3,"seq":7}` || r.hdr.Get("X-Upstream") != up.name {
			t.Fatalf("user %d: %d %q from %q; want the %s's answer verbatim", user, r.status, r.body, r.hdr.Get("X-Upstream"), up.name)
		}
		if n := len(r.hdr.Values("X-Content-Type-Options")); n != 0 {
			t.Fatalf("the proxy itself set no security headers here, but %d came through", n)
		}
	}
	// The handler returns just after the answer is out; wait for it.
	waitFor(t, "in flight back to 0", func() bool { return gauge(h.proxy.inFlight) == 0 })
}

func TestTokenInQuery(t *testing.T) {
	a := newUpstream(t, "a")
	h := newHarness(t, a.inst())
	done := make(chan int, 1)
	go func() {
		s, _, _ := h.poll(context.Background(), "epoch=0&seq=0&token="+h.token(5), "")
		done <- s
	}()
	recv(t, a.arrived)
	a.release <- `{}`
	if s := recv(t, done); s != 200 {
		t.Fatalf("status %d", s)
	}
}

func TestRefusesBadTokens(t *testing.T) {
	a := newUpstream(t, "a")
	h := newHarness(t, a.inst())
	other, _ := session.NewManager([]byte(strings.Repeat("z", 32)), nil)
	forged, _ := other.Open(1, time.Hour)
	past, _ := session.NewManager([]byte(secret), func() time.Time { return time.Now().Add(-2 * time.Hour) })
	expired, _ := past.Open(1, time.Hour)
	for name, auth := range map[string]string{
		"none":    "",
		"forged":  "Bearer " + forged.Token,
		"expired": "Bearer " + expired.Token,
		"garbage": "Bearer x.y.z",
		"basic":   "Basic dXNlcjpwYXNz",
	} {
		status, body, _ := h.poll(context.Background(), "epoch=0&seq=0", auth)
		var a struct{ Type, Error string }
		if status != 401 || json.Unmarshal([]byte(body), &a) != nil || a.Type != "unauthorized" || a.Error == "" {
			t.Errorf("%s: %d %s; want 401 unauthorized", name, status, body)
		}
	}
	select {
	case r := <-a.arrived:
		t.Fatalf("a refused poll reached the channel: %v", r.URL)
	default:
	}
}

func TestNoOwner(t *testing.T) {
	h := newHarness(t)
	if s, body, _ := h.poll(context.Background(), "", "Bearer "+h.token(1)); s != 503 || !strings.Contains(body, `"type":"error"`) {
		t.Fatalf("empty view: %d %s; want 503", s, body)
	}
	h.view.Set(discovery.Instance{ID: "x", Addr: "thrift-x"}) // no http_addr
	if s, _, _ := h.poll(context.Background(), "", "Bearer "+h.token(1)); s != 503 {
		t.Fatalf("owner without http_addr: %d; want 503", s)
	}
}

func TestUpstreamDown(t *testing.T) {
	a := newUpstream(t, "a")
	inst := a.inst()
	a.srv.Close()
	h := newHarness(t, inst)
	status, body, _ := h.poll(context.Background(), "", "Bearer "+h.token(1))
	if status != 502 || !strings.Contains(body, `"type":"error"`) {
		t.Fatalf("%d %s; want 502 JSON", status, body)
	}
}

func TestFollowsViewChanges(t *testing.T) {
	a, b := newUpstream(t, "a"), newUpstream(t, "b")
	h := newHarness(t, a.inst())
	done := make(chan int, 1)
	go func() { s, _, _ := h.poll(context.Background(), "", "Bearer "+h.token(9)); done <- s }()
	recv(t, a.arrived)
	a.release <- `{}`
	recv(t, done)
	h.view.Set(b.inst())
	go func() { s, _, _ := h.poll(context.Background(), "", "Bearer "+h.token(9)); done <- s }()
	recv(t, b.arrived)
	b.release <- `{}`
	if s := recv(t, done); s != 200 {
		t.Fatalf("status %d", s)
	}
}

func TestClientGoneCancelsUpstream(t *testing.T) {
	a := newUpstream(t, "a")
	h := newHarness(t, a.inst())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.poll(ctx, "", "Bearer "+h.token(1)); close(done) }()
	recv(t, a.arrived)
	cancel()
	recv(t, a.gone) // the parked upstream request ends with the browser's
	<-done
}

func TestRouter(t *testing.T) {
	a, b := newUpstream(t, "a"), newUpstream(t, "b")
	bare := discovery.Instance{ID: "c", Addr: "thrift-c", Meta: map[string]string{discovery.MetaPollURL: "javascript:alert(1)"}}
	r := Router{View: discovery.NewStatic(a.inst(), b.inst(), bare).View}
	got := r.Origins()
	if len(got) != 2 || got[0] != "https://a.example" || got[1] != "https://b.example" {
		t.Fatalf("Origins = %v", got)
	}
	user := userOwnedBy(t, r.View(), "b")
	if u := r.PollURL(user); u != "https://b.example/poll" {
		t.Fatalf("PollURL = %q", u)
	}
	if u := (Router{View: discovery.NewStatic().View}).PollURL(1); u != "" {
		t.Fatalf("PollURL with no instances = %q", u)
	}
}

func gauge(g prometheus.Gauge) float64 {
	var m dto.Metric
	g.Write(&m)
	return m.GetGauge().GetValue()
}

// waitFor polls cond until it holds, failing the test after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

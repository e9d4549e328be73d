package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	webt "github.com/thriftchat/thriftchat/gen-go/web"
	"github.com/thriftchat/thriftchat/services/internal/consultest"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/internal/runtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const secret = "web-main-test-secret-0123456789abcdef"

// service is the composed web tier on loopback ports.
var service = runtest.Service{Run: run, Args: []string{
	"-thrift-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
	"-advertise", "127.0.0.1", "-log-format", "json", "-token-secret", secret, "-drain-window", "100ms"}}

// fakeChannel answers polls: "continue" at once for idle=0, otherwise it
// parks the poll until the request ends (as a drain cuts it).
func fakeChannel(t *testing.T) (*httptest.Server, chan string) {
	seen := make(chan string, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.URL.Path + "?" + r.URL.RawQuery + " " + r.Header.Get("Authorization")
		if r.URL.Query().Get("idle") == "0" {
			io.WriteString(w, `{"type":"continue","epoch":1,"seq":0}`)
			return
		}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv, seen
}

func thriftCall(t *testing.T, addr string, fn func(context.Context, *webt.WebServiceClient) error) {
	t.Helper()
	if err := thriftPool(t, addr).Call(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// thriftPool is a WebService client pool closed when the test ends.
func thriftPool(t *testing.T, addr string) *rpc.Pool[*webt.WebServiceClient] {
	pool := rpc.NewPool(addr, webt.NewWebServiceClient)
	t.Cleanup(func() { pool.Close() })
	return pool
}

func TestRunStatic(t *testing.T) {
	channel, seen := fakeChannel(t)
	dir := t.TempDir()
	// Presence and chatlog are down (nothing listens there): the web tier
	// still signs in, boots degraded, and refuses sends with 503.
	in := service.Start(t, "-data-dir", dir, "-public-url", "http://chat.example",
		"-channel-addrs", "127.0.0.1:1|http_addr="+strings.TrimPrefix(channel.URL, "http://"),
		"-presence-addrs", "127.0.0.1:1", "-chatlog-addrs", "127.0.0.1:1")
	get(t, "http://"+in.Admin+"/readyz", 200)

	var sess *webt.Session
	thriftCall(t, in.Thrift, func(ctx context.Context, c *webt.WebServiceClient) (err error) {
		if err = c.PutUser(ctx, &webt.User{ID: 10, Name: "zed"}); err != nil {
			return err
		}
		if err = c.PutUser(ctx, &webt.User{ID: 11, Name: "yan"}); err != nil {
			return err
		}
		if err = c.AddFriend(ctx, 10, 11); err != nil {
			return err
		}
		sess, err = c.OpenSession(ctx, 10, 0)
		return err
	})
	if !strings.HasPrefix(sess.ChatUrl, "http://chat.example/#token=") || sess.PollUrl != "http://chat.example/poll" {
		t.Fatalf("session %+v", sess)
	}

	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Jar: jar, Transport: tr}
	base := "http://" + in.HTTP
	if r := post(t, hc, base+"/api/session", `{"token":"`+sess.Token+`"}`, ""); r.status != 200 {
		t.Fatalf("session: %+v", r)
	}
	boot := do(t, hc, "GET", base+"/api/boot", "", "")
	var b struct {
		User    struct{ Name string }
		CSRF    string
		PollURL string
		Epoch   int64
		Buddies struct {
			Buddies []struct{ Name, State string }
		}
	}
	if boot.status != 200 || json.Unmarshal([]byte(boot.body), &b) != nil || b.User.Name != "zed" || b.PollURL != "/poll" ||
		len(b.Buddies.Buddies) != 1 || b.Buddies.Buddies[0].State != "unknown" {
		t.Fatalf("degraded boot: %+v", boot)
	}
	if r := post(t, hc, base+"/api/send", `{"to":11,"text":"hi","clientMsgId":"c1"}`, b.CSRF); r.status != 503 {
		t.Fatalf("send with the chatlog down: %+v; want 503", r)
	}

	// Polls reach the channel owner's http_addr, token and all.
	req, _ := http.NewRequest("GET", base+"/poll?epoch=0&seq=0&idle=0", nil)
	req.Header.Set("Authorization", "Bearer "+sess.Token)
	if r := send(t, hc, req); r.status != 200 || !strings.Contains(r.body, `"continue"`) {
		t.Fatalf("proxied poll: %+v", r)
	}
	if got := <-seen; got != "/poll?epoch=0&seq=0&idle=0 Bearer "+sess.Token {
		t.Fatalf("channel saw %q", got)
	}
	// The proxy counts a relay as finished only after the browser has its
	// answer, so the metrics settle a moment after the response: poll them.
	wants := []string{`web_sends_total{outcome="unavailable"} 1`, `web_poll_proxy_total{outcome="relayed"} 1`,
		`web_buddy_list_polls_total{answer="full"} 1`, "web_poll_proxy_in_flight 0"}
	for deadline := time.Now().Add(5 * time.Second); ; {
		metrics := do(t, hc, "GET", "http://"+in.Admin+"/metrics", "", "").body
		var missing []string
		for _, want := range wants {
			if !strings.Contains(metrics, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics lack %q", missing)
		}
		time.Sleep(10 * time.Millisecond) // polling a condition
	}

	// A poll parked at shutdown is cut by the drain with a 503 for the browser.
	parked := make(chan response, 1)
	go func() {
		req, _ := http.NewRequest("GET", base+"/poll?epoch=1&seq=0&idle=5", nil)
		req.Header.Set("Authorization", "Bearer "+sess.Token)
		parked <- send(t, hc, req)
	}()
	<-seen
	in.Stop()
	if r := <-parked; r.status != 503 || !strings.Contains(r.body, "draining") {
		t.Fatalf("parked poll at shutdown: %+v; want 503 draining", r)
	}

	// The store outlives the process.
	again := service.Start(t, "-data-dir", dir)
	thriftCall(t, again.Thrift, func(ctx context.Context, c *webt.WebServiceClient) error {
		friends, err := c.Friends(ctx, 10)
		if err == nil && (len(friends) != 1 || friends[0] != commont.UserId(11)) {
			t.Errorf("after restart friends of 10 = %v, want [11]", friends)
		}
		return err
	})
}

func TestRunDevDemo(t *testing.T) {
	in := service.Start(t, "-dev", "-data-dir", t.TempDir())
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Jar: jar, Transport: tr}
	base := "http://" + in.HTTP
	if r := do(t, hc, "GET", base+"/api/demo/users", "", ""); r.status != 200 || !strings.Contains(r.body, `"frank"`) {
		t.Fatalf("demo users: %+v", r)
	}
	if r := post(t, hc, base+"/api/demo/login", `{"user":2}`, ""); r.status != 200 {
		t.Fatalf("demo login: %+v", r)
	}
	page := do(t, hc, "GET", base+"/", "", "")
	if page.status != 200 || !strings.Contains(page.body, "<script type=\"module\"") {
		t.Fatalf("page: %d %.200s", page.status, page.body)
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	for name, args := range map[string][]string{
		"no secret":        {"-thrift-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"},
		"bad channel spec": {"-token-secret", secret, "-admin-addr", "127.0.0.1:0", "-channel-addrs", "nohostport", "-data-dir", t.TempDir()},
	} {
		if err := run(context.Background(), args, io.Discard); err == nil {
			t.Errorf("%s: run accepted %v", name, args)
		}
	}
}

func TestRunConsul(t *testing.T) {
	agent := consultest.Start(t)
	in := service.Start(t, "-consul", agent.Addr(), "-instance", "web-consul-1", "-data-dir", t.TempDir())
	var last string // what Consul said last, for the failure message
	waitFor(t, "web registered healthy in Consul", func() bool {
		entries, _, err := agent.Client().Health().Service("web", "", false, nil)
		last = fmt.Sprint(err)
		if err != nil || len(entries) != 1 {
			return false
		}
		e := entries[0]
		last = fmt.Sprintf("%s meta %v checks:", e.Service.ID, e.Service.Meta)
		for _, c := range e.Checks {
			last += fmt.Sprintf(" %s=%s (%s)", c.Name, c.Status, c.Output)
		}
		return e.Checks.AggregatedStatus() == "passing" && e.Service.ID == "web-consul-1" &&
			e.Service.Meta["http_addr"] == in.HTTP
	}, func() string { return last })
	in.Stop()
	entries, _, err := agent.Client().Health().Service("web", "", false, nil)
	if err != nil || len(entries) != 0 {
		t.Fatalf("after shutdown Consul still lists %d web instances (%v)", len(entries), err)
	}
}

type response struct {
	status int
	body   string
}

func send(t *testing.T, hc *http.Client, req *http.Request) response {
	resp, err := hc.Do(req)
	if err != nil {
		return response{body: err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, string(b)}
}

func do(t *testing.T, hc *http.Client, method, url, body, csrf string) response {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if method == "POST" {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
	}
	return send(t, hc, req)
}

func post(t *testing.T, hc *http.Client, url, body, csrf string) response {
	return do(t, hc, "POST", url, body, csrf)
}

func get(t *testing.T, url string, status int) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	if r := send(t, &http.Client{Transport: tr}, mustReq(t, url)); r.status != status {
		t.Fatalf("GET %s: %+v; want %d", url, r, status)
	}
}

func mustReq(t *testing.T, url string) *http.Request {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// waitFor polls cond until it holds, failing the test after a deadline
// with what the optional explain says.
func waitFor(t *testing.T, what string, cond func() bool, explain ...func() string) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(30 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			for _, e := range explain {
				what += ": " + e()
			}
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestRunDirect: with -poll-mode=direct, sessions poll the owner's own
// poll_url, and the page's CSP lets it connect there.
func TestRunDirect(t *testing.T) {
	in := service.Start(t, "-poll-mode", "direct", "-data-dir", t.TempDir(), "-dev",
		"-channel-addrs", "127.0.0.1:1|http_addr=127.0.0.1:2|poll_url=https://ch1.example/c1")
	var sess *webt.Session
	thriftCall(t, in.Thrift, func(ctx context.Context, c *webt.WebServiceClient) (err error) {
		sess, err = c.OpenSession(ctx, 1, 0)
		return err
	})
	if sess.PollUrl != "https://ch1.example/c1/poll" {
		t.Fatalf("direct poll URL %q, want the owner's", sess.PollUrl)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("http://" + in.HTTP + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' https://ch1.example;") {
		t.Fatalf("CSP %q does not allow polling the owner", csp)
	}
}

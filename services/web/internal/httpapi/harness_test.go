package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/web/internal/chat"
	"github.com/thriftchat/thriftchat/services/web/internal/chattest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// harness is the API over fakes, served on a real listener.
type harness struct {
	t   testing.TB
	env *chattest.Env
	srv *httptest.Server
}

type harnessOpts struct {
	api  func(*Options)
	chat func(*chat.Config)
	// readTimeout is the server's http.Server.ReadTimeout, as main sets it.
	readTimeout time.Duration
}

func newHarness(t testing.TB, o harnessOpts) *harness {
	env := chattest.NewEnv(t, o.chat)
	opts := Options{Dev: true, PublicURL: "http://chat.example", Now: env.Clock.Now}
	if o.api != nil {
		o.api(&opts)
	}
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic("boom")
		}
		io.WriteString(w, "<!doctype html>ui")
	})
	poll := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"type":"continue"}`) })
	api := New(opts, Deps{Chat: env.Service, Sessions: env.Sessions, UI: ui, Poll: poll, Log: zerolog.Nop()})
	h := &harness{t: t, env: env, srv: httptest.NewUnstartedServer(api)}
	h.srv.Config.ReadTimeout = o.readTimeout
	h.srv.Start()
	t.Cleanup(h.srv.Close)
	return h
}

// browser is one cookie jar against the harness.
type browser struct {
	h    *harness
	hc   *http.Client
	csrf string
}

func (h *harness) browser() *browser {
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{}
	h.t.Cleanup(tr.CloseIdleConnections)
	return &browser{h: h, hc: &http.Client{Jar: jar, Transport: tr}}
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	raw    string
	json   map[string]any
}

func (r response) str(key string) string { s, _ := r.json[key].(string); return s }

// do sends a request; body may be a string (sent as is) or a value (as JSON).
// Headers are name, value pairs; Content-Type defaults to JSON on POST.
func (b *browser) do(method, path string, body any, headers ...string) response {
	b.h.t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(v)
	case []byte:
		rd = bytes.NewReader(v)
	default:
		j, _ := json.Marshal(v)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, b.h.srv.URL+path, rd)
	if err != nil {
		b.h.t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
		if b.csrf != "" {
			req.Header.Set(CSRFHeader, b.csrf)
		}
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		b.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	json.Unmarshal(raw, &r.json)
	return r
}

// login signs in as a demo user and boots, keeping the CSRF token.
func (b *browser) login(user int64) response {
	b.h.t.Helper()
	if r := b.do("POST", "/api/demo/login", map[string]int64{"user": user}); r.status != 200 {
		b.h.t.Fatalf("demo login: %d %s", r.status, r.raw)
	}
	boot := b.do("GET", "/api/boot", nil)
	if boot.status != 200 {
		b.h.t.Fatalf("boot: %d %s", boot.status, boot.raw)
	}
	b.csrf = boot.str("csrf")
	return boot
}

// expect fails unless r has the status and, for errors, a JSON error body.
func expect(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: %d %s; want %d", what, r.status, r.raw, status)
	}
	if status >= 400 && (r.str("error") == "" || r.header.Get("Content-Type") != "application/json; charset=utf-8") {
		t.Fatalf("%s: error answer %q (%s) is not a JSON error", what, r.raw, r.header.Get("Content-Type"))
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

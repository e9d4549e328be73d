package longpoll

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/internal/token"
)

// TestTokens: a poll reads only its own token's user's queue; anything else
// is refused with no data.
func TestTokens(t *testing.T) {
	e := start(t)
	epoch, _ := e.handshake(t, 1)
	e.deliver(t, 1, msg1)
	forger, _ := token.NewSigner([]byte("another-secret-another-secret-xx"))
	valid := e.token(1)
	q := "epoch=" + itoa(epoch) + "&seq=0&idle=0"
	tests := []struct {
		name   string
		query  string
		auth   string // Authorization header value
		status int
		typ    string
	}{
		{name: "no token", query: q, status: 401, typ: "unauthorized"},
		{name: "forged", query: q, auth: "Bearer " + forger.Issue(1, time.Now().Add(time.Hour)), status: 401, typ: "unauthorized"},
		{name: "tampered", query: q, auth: "Bearer " + strings.Replace(valid, "v1.1.", "v1.2.", 1), status: 401, typ: "unauthorized"},
		{name: "expired", query: q, auth: "Bearer " + e.signer.Issue(1, time.Now().Add(-time.Second)), status: 401, typ: "unauthorized"},
		{name: "garbage", query: q, auth: "Bearer ...", status: 401, typ: "unauthorized"},
		{name: "not bearer", query: q, auth: "Basic dXNlcjpwdw==", status: 401, typ: "unauthorized"},
		{name: "another user's channel", query: q + "&user=2", auth: "Bearer " + valid, status: 403, typ: "forbidden"},
		{name: "another user's token", query: q, auth: "Bearer " + e.token(2), status: 200, typ: "reset"},
		{name: "own channel named", query: q + "&user=1", auth: "Bearer " + valid, status: 200, typ: "messages"},
		{name: "token in the query", query: q + "&token=" + valid, status: 200, typ: "messages"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := e.get(t, tc.query, "", "Authorization", tc.auth)
			if a.status != tc.status || a.Type != tc.typ {
				t.Fatalf("%d %s; want %d %s", a.status, a.raw, tc.status, tc.typ)
			}
			if tc.typ != "messages" && strings.Contains(a.raw, "hi <b>") {
				t.Fatalf("user 1's message leaked: %s", a.raw)
			}
			if tc.typ == "reset" && a.Epoch == epoch {
				t.Fatalf("user 2 was given user 1's epoch: %s", a.raw)
			}
		})
	}
}

// TestBadParameters: malformed polls get a typed 400, never data.
func TestBadParameters(t *testing.T) {
	e := start(t)
	epoch, _ := e.handshake(t, 1)
	e.deliver(t, 1, msg1)
	E := itoa(epoch)
	tests := []struct{ name, query string }{
		{"negative seq", "epoch=" + E + "&seq=-1"},
		{"huge seq", "epoch=" + E + "&seq=99999999999999999999"},
		{"seq past 2^53", "epoch=" + E + "&seq=9007199254740992"},
		{"seq ahead of the queue", "epoch=" + E + "&seq=2"},
		{"negative epoch", "epoch=-5&seq=0"},
		{"missing epoch", "seq=0"},
		{"missing seq", "epoch=" + E},
		{"repeated seq", "epoch=" + E + "&seq=0&seq=1"},
		{"hex", "epoch=" + E + "&seq=0x1"},
		{"negative idle", "epoch=" + E + "&seq=0&idle=-1"},
		{"idle over a year", "epoch=" + E + "&seq=0&idle=31536001"},
		{"user zero", "epoch=" + E + "&seq=0&user=0"},
		{"long query", "epoch=" + E + "&seq=0&x=" + strings.Repeat("a", 2000)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := e.get(t, tc.query, e.token(1))
			if a.status != http.StatusBadRequest || a.Type != "error" || a.Error == "" || len(a.Messages) > 0 {
				t.Fatalf("%d %s; want 400 error", a.status, a.raw)
			}
		})
	}
	t.Run("wrong epoch", func(t *testing.T) {
		if a := e.get(t, "epoch="+itoa(epoch+1)+"&seq=1", e.token(1)); a.status != 200 || a.Type != "reset" || a.Epoch != epoch || a.Seq != 1 {
			t.Fatalf("%d %s; want reset to (%d, 1)", a.status, a.raw, epoch)
		}
	})
	t.Run("body", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, e.base+"/poll?epoch="+E+"&seq=0", strings.NewReader("x"))
		req.Header.Set("Authorization", "Bearer "+e.token(1))
		if a := e.do(t, req); a.status != http.StatusBadRequest {
			t.Fatalf("%d %s", a.status, a.raw)
		}
	})
	t.Run("method", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.base+"/poll?epoch="+E+"&seq=0", nil)
		if a := e.do(t, req); a.status != http.StatusMethodNotAllowed {
			t.Fatalf("%d %s", a.status, a.raw)
		}
	})
	t.Run("path", func(t *testing.T) {
		if a := e.get(t, "", ""); a.status != 400 {
			t.Fatalf("empty query: %d %s", a.status, a.raw)
		}
		req, _ := http.NewRequest(http.MethodGet, e.base+"/other", nil)
		if a := e.do(t, req); a.status != http.StatusNotFound {
			t.Fatalf("%d %s", a.status, a.raw)
		}
	})
}

func TestCORS(t *testing.T) {
	e := start(t)
	epoch, _ := e.handshake(t, 1)
	e.deliver(t, 1, msg1)
	q := "epoch=" + itoa(epoch) + "&seq=0"
	a := e.get(t, q, e.token(1), "Origin", "http://web.example")
	if a.status != 200 || a.header.Get("Access-Control-Allow-Origin") != "http://web.example" {
		t.Fatalf("allowed origin: %d %v", a.status, a.header)
	}
	a = e.get(t, q, e.token(1), "Origin", "http://evil.example")
	if a.status != http.StatusForbidden || a.header.Get("Access-Control-Allow-Origin") != "" || len(a.Messages) > 0 {
		t.Fatalf("foreign origin: %d %v %s", a.status, a.header, a.raw)
	}
	if a := e.get(t, q, e.token(1)); a.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("no Origin, yet CORS headers: %v", a.header)
	}

	req, _ := http.NewRequest(http.MethodOptions, e.base+"/poll", nil)
	req.Header.Set("Origin", "http://web.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "http://web.example" ||
		h.Get("Access-Control-Allow-Headers") != "Authorization" || h.Get("Access-Control-Allow-Methods") != "GET" {
		t.Fatalf("preflight: %d %v", resp.StatusCode, h)
	}
	req.Header.Set("Origin", "http://evil.example")
	resp, err = e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("foreign preflight: %d %v", resp.StatusCode, resp.Header)
	}
}

package httpapi

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/web/internal/chat"
	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

func TestSend(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	b := h.browser()
	b.login(1)
	r := b.do("POST", "/api/send", map[string]any{"to": 2, "text": "hello", "clientMsgId": "c1"})
	expect(t, "send", r, 200)
	m := r.json["message"].(map[string]any)
	if m["text"] != "hello" || m["sender"] != 1.0 || m["recipient"] != 2.0 || m["seq"] != 1.0 ||
		m["conversation"] != "d:1:2" || m["clientMsgId"] != "c1" || m["sentAtMs"] != 1.7e12 {
		t.Fatalf("send answered %s", r.raw)
	}
	if len(h.env.Channel.Payloads(2)) != 1 || len(h.env.Channel.Payloads(1)) != 1 {
		t.Fatal("the message was not pushed to both users")
	}
}

// TestSendRefusals: every bad send is a clear JSON error and stores nothing.
func TestSendRefusals(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.env.Service.PutUser(t.Context(), store.User{ID: 7, Name: "stranger"})
	good := `{"to":2,"text":"hi","clientMsgId":"c1"}`
	b := h.browser()
	b.login(1)
	other := h.browser()
	other.login(3)
	for _, tc := range []struct {
		name    string
		body    string
		headers []string
		status  int
		field   string
	}{
		{"no CSRF token", good, []string{CSRFHeader, ""}, 403, ""},
		{"another session's CSRF token", good, []string{CSRFHeader, other.csrf}, 403, ""},
		{"not JSON", good, []string{"Content-Type", "text/plain"}, 415, ""},
		{"form post", "to=2&text=hi", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, ""},
		{"cross-site", good, []string{"Sec-Fetch-Site", "cross-site"}, 403, ""},
		{"foreign origin", good, []string{"Origin", "https://evil.example"}, 403, ""},
		{"oversize body", `{"to":2,"clientMsgId":"c1","text":"` + strings.Repeat("a", MaxBody) + `"}`, nil, 413, ""},
		{"text over 4000 bytes", `{"to":2,"clientMsgId":"c1","text":"` + strings.Repeat("a", 4001) + `"}`, nil, 400, "text"},
		{"empty text", `{"to":2,"text":"","clientMsgId":"c1"}`, nil, 400, "text"},
		{"invalid UTF-8", "{\"to\":2,\"text\":\"caf\xc3\",\"clientMsgId\":\"c1\"}", nil, 400, ""},
		{"NUL", `{"to":2,"text":"a\u0000b","clientMsgId":"c1"}`, nil, 400, "text"},
		{"no client id", `{"to":2,"text":"hi"}`, nil, 400, "clientMsgId"},
		{"to as a string", `{"to":"2","text":"hi","clientMsgId":"c1"}`, nil, 400, "to"},
		{"malformed JSON", `{"to":2,`, nil, 400, ""},
		{"trailing data", good + `{}`, nil, 400, ""},
		{"to oneself", `{"to":1,"text":"hi","clientMsgId":"c1"}`, nil, 400, "to"},
		{"to a non-friend", `{"to":7,"text":"hi","clientMsgId":"c1"}`, nil, 403, "to"},
		{"to nobody", `{"to":99,"text":"hi","clientMsgId":"c1"}`, nil, 403, "to"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.do("POST", "/api/send", tc.body, tc.headers...)
			expect(t, tc.name, r, tc.status)
			if r.str("field") != tc.field {
				t.Fatalf("field %q, want %q (%s)", r.str("field"), tc.field, r.raw)
			}
			if n := h.env.Chatlog.Appends(); n != 0 || len(h.env.Chatlog.Stored()) != 0 {
				t.Fatalf("the chatlog saw %d appends for a refused send", n)
			}
			if n := len(h.env.Channel.Payloads(2)) + len(h.env.Channel.Payloads(7)); n != 0 {
				t.Fatalf("%d payloads pushed for a refused send", n)
			}
		})
	}
	anon := h.browser()
	expect(t, "no session", anon.do("POST", "/api/send", good), 401)
}

// TestHTMLIsText: markup is stored and returned as the exact text; the JSON
// answer escapes it so no reader could mistake it for markup.
func TestHTMLIsText(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	b := h.browser()
	b.login(1)
	for i, text := range []string{
		`<script>alert("x")</script>`, `<img src=x onerror=alert(1)>`, `&lt;b&gt; & </textarea>`, "\"'`${x}`",
	} {
		r := b.do("POST", "/api/send", map[string]any{"to": 2, "text": text, "clientMsgId": string(rune('a' + i))})
		expect(t, text, r, 200)
		if got := r.json["message"].(map[string]any)["text"]; got != text {
			t.Fatalf("answered text %q, want %q", got, text)
		}
		if strings.ContainsAny(r.raw, "<>") {
			t.Fatalf("raw answer %s carries unescaped < or >", r.raw)
		}
		if stored := h.env.Chatlog.Stored(); stored[len(stored)-1].Text != text {
			t.Fatalf("stored %q, want %q", stored[len(stored)-1].Text, text)
		}
	}
	hist := b.do("GET", "/api/history?peer=2", nil)
	expect(t, "history", hist, 200)
	msgs := hist.json["messages"].([]any)
	if msgs[0].(map[string]any)["text"] != `<script>alert("x")</script>` {
		t.Fatalf("history %s", hist.raw)
	}
}

func TestSendRateLimited(t *testing.T) {
	h := newHarness(t, harnessOpts{chat: func(c *chat.Config) { c.SendRate, c.SendBurst = 2, 1 }})
	b := h.browser()
	b.login(1)
	expect(t, "first", b.do("POST", "/api/send", map[string]any{"to": 2, "text": "a", "clientMsgId": "1"}), 200)
	r := b.do("POST", "/api/send", map[string]any{"to": 2, "text": "b", "clientMsgId": "2"})
	expect(t, "second", r, 429)
	if r.header.Get("Retry-After") != "1" || r.json["retryAfterMs"] != 500.0 {
		t.Fatalf("Retry-After %q, body %s; want 1 and retryAfterMs 500", r.header.Get("Retry-After"), r.raw)
	}
}

func TestSendChatlogDown(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	b := h.browser()
	b.login(1)
	h.env.Chatlog.Fail(errors.Join(chatlogclient.ErrUnavailable, errors.New("dial: refused")))
	r := b.do("POST", "/api/send", map[string]any{"to": 2, "text": "a", "clientMsgId": "1"})
	expect(t, "send", r, 503)
	if strings.Contains(r.raw, "refused") {
		t.Fatalf("internal detail leaked: %s", r.raw)
	}
}

func TestBearerNeedsNoCSRF(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	s, _ := h.env.Sessions.Open(1, 0)
	b := h.browser() // no cookie, no CSRF token
	r := b.do("POST", "/api/send", `{"to":2,"text":"hi","clientMsgId":"c1"}`, "Authorization", "Bearer "+s.Token)
	expect(t, "bearer send", r, 200)
}

func TestTypingAndRead(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	b := h.browser()
	b.login(1)
	expect(t, "typing", b.do("POST", "/api/typing", map[string]any{"to": 2, "typing": true}), 200)
	var p struct {
		Kind   string
		From   int64
		Typing bool
	}
	got := h.env.Channel.Payloads(2)
	if len(got) != 1 || json.Unmarshal(got[0], &p) != nil || p.Kind != "typing" || p.From != 1 || !p.Typing {
		t.Fatalf("payloads to 2: %q", got)
	}
	expect(t, "typing without CSRF", b.do("POST", "/api/typing", map[string]any{"to": 2}, CSRFHeader, ""), 403)
	expect(t, "read", b.do("POST", "/api/read", map[string]any{"peer": 2, "seq": 3}), 200)
	if h.env.Chatlog.ReadMark(1, "d:1:2") != 3 {
		t.Fatal("read mark not stored")
	}
	expect(t, "read negative", b.do("POST", "/api/read", map[string]any{"peer": 2, "seq": -1}), 400)
}

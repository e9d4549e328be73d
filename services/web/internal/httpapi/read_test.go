package httpapi

import (
	"net/url"
	"strings"
	"testing"

	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
)

func TestBuddies(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	b := h.browser()
	b.login(1)
	v := h.env.Clock.Now().UnixMicro() + 5
	h.env.Presence.Set(2, presenceclient.Active, v)
	full := b.do("GET", "/api/buddies?since=0", nil)
	expect(t, "buddies", full, 200)
	if full.json["full"] != true || full.json["version"] != float64(v) || len(full.json["buddies"].([]any)) != 5 {
		t.Fatalf("buddies %s", full.raw)
	}
	first := full.json["buddies"].([]any)[0].(map[string]any)
	if first["id"] != 2.0 || first["name"] != "bob" || first["state"] != "active" || first["lastActiveMs"] != float64(v/1000) {
		t.Fatalf("bob is %v", first)
	}
	none := b.do("GET", "/api/buddies?since="+url.QueryEscape(full.raw[strings.Index(full.raw, `"version":`)+10:strings.Index(full.raw, `,"full"`)]), nil)
	if none.json["full"] != false || len(none.json["buddies"].([]any)) != 0 {
		t.Fatalf("no changes: %s", none.raw)
	}
	r := b.do("GET", "/api/buddies?since=abc", nil)
	expect(t, "since=abc", r, 400)
	if r.str("field") != "since" {
		t.Fatalf("field %q", r.str("field"))
	}
}

func TestHistoryAndSince(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	b := h.browser()
	b.login(1)
	for i := range 3 {
		expect(t, "send", b.do("POST", "/api/send", map[string]any{"to": 2, "text": "m", "clientMsgId": string(rune('a' + i))}), 200)
	}
	r := b.do("GET", "/api/history?peer=2&before=0&after=-1&limit=2", nil)
	expect(t, "history", r, 200)
	if len(r.json["messages"].([]any)) != 2 || r.json["moreBefore"] != true || r.json["moreAfter"] != false {
		t.Fatalf("history %s", r.raw)
	}
	r = b.do("GET", "/api/since?since=0&limit=10", nil)
	expect(t, "since", r, 200)
	if len(r.json["messages"].([]any)) != 3 || r.json["more"] != false {
		t.Fatalf("since %s", r.raw)
	}
	for q, field := range map[string]string{
		"":                         "peer",
		"peer=x":                   "peer",
		"peer=2&before=1.5":        "before",
		"peer=2&after=z":           "after",
		"peer=2&limit=201":         "limit",
		"peer=2&limit=-1":          "limit",
		"peer=2&limit=99999999999": "limit",
		"peer=1":                   "peer",
		"peer=2&after=-2":          "after",
	} {
		r := b.do("GET", "/api/history?"+q, nil)
		expect(t, "history?"+q, r, 400)
		if r.str("field") != field {
			t.Errorf("history?%s: field %q, want %q", q, r.str("field"), field)
		}
	}
	expect(t, "since limit", b.do("GET", "/api/since?limit=5000", nil), 400)
	expect(t, "since=x", b.do("GET", "/api/since?since=x", nil), 400)
	expect(t, "history without session", h.browser().do("GET", "/api/history?peer=2", nil), 401)
}

package httpapi

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeBody: a body is accepted only when it is valid UTF-8 and one
// JSON value, and then decodes exactly as encoding/json would.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{
		`{"to":2,"text":"hi","clientMsgId":"c1"}`, `{"to":"2"}`, `{}{}`, `{"text":"caf` + "\xc3" + `"}`,
		`{"text":"\ud800"}`, ` {"to":2} `, `null`, `[1]`, ``, `{"to":1e400}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req struct {
			To          int64  `json:"to"`
			Text        string `json:"text"`
			ClientMsgID string `json:"clientMsgId"`
		}
		err := decodeBody(bytes.NewReader(body), &req)
		if err != nil {
			return
		}
		if !utf8.Valid(body) || !json.Valid(body) {
			t.Fatalf("accepted %q: not valid UTF-8 JSON", body)
		}
		if !utf8.ValidString(req.Text) || !utf8.ValidString(req.ClientMsgID) {
			t.Fatalf("decoded invalid UTF-8 from %q", body)
		}
	})
}

// FuzzParseHistory: a query either names the offending field or yields the
// numbers it spelled (with the documented defaults).
func FuzzParseHistory(f *testing.F) {
	for _, s := range []string{"peer=2", "peer=2&before=0&after=-1&limit=50", "peer=x", "", "peer=2&limit=99999999999",
		"peer=2&peer=3", "peer=%zz", "peer=-9223372036854775808&before=9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		h, field, err := parseHistory(q)
		if err != nil {
			if field == "" {
				t.Fatalf("%q: error %v names no field", raw, err)
			}
			return
		}
		check := func(name string, got int64, def int64) {
			want := def
			if s := q.Get(name); s != "" {
				want, _ = strconv.ParseInt(s, 10, 64)
			}
			if got != want {
				t.Fatalf("%q: %s = %d, want %d", raw, name, got, want)
			}
		}
		check("peer", h.peer, 0)
		check("before", h.before, 0)
		check("after", h.after, -1)
		check("limit", int64(h.limit), 50)
	})
}

package ui

import (
	"encoding/json"
	"testing"
)

// jsLiteral quotes s as a JavaScript string literal.
func jsLiteral(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// moduleTab opens a blank page of the fake's origin, from which the UI's
// modules import as they do in the app.
func moduleTab(t testing.TB) *tab {
	f := startFakeAPI(t)
	tb := newPerson(t, f.srv.URL)
	tb.load("/test/blank.html")
	return tb
}

// TestJSModules runs the table tests of the UI's pure modules
// (testdata/jstest.js) in Chromium and reports each.
func TestJSModules(t *testing.T) {
	tb := moduleTab(t)
	type result struct {
		Name  string `json:"name"`
		Error string `json:"error"`
	}
	results := eval[[]result](tb, `import('/test/jstest.js').then((m) => m.run())`)
	if len(results) < 10 {
		t.Fatalf("ran %d JS tests, want the whole table", len(results))
	}
	for _, r := range results {
		if r.Error != "" {
			t.Errorf("%s: %s", r.Name, r.Error)
		}
	}
}

// FuzzPollAnswer feeds arbitrary bodies to the poll answer and payload
// parsers: each is accepted or refused with a ProtocolError, never a crash
// of another kind (which would kill the poll loop's error handling).
func FuzzPollAnswer(f *testing.F) {
	for _, seed := range []string{
		`{"type":"messages","epoch":1,"seq":2,"messages":[{"seq":2,"payload":{"kind":"message","message":{"id":"a","conversation":"d:1:2","seq":1,"sender":1,"recipient":2,"text":"<b>x</b>","sentAtMs":5,"clientMsgId":"c"}}}]}`,
		`{"type":"messages","epoch":1,"seq":2,"messages":[{"seq":2,"payload":{"kind":"typing","from":1,"to":2,"typing":true}},{"seq":3,"payload":null}]}`,
		`{"type":"messages","epoch":1,"seq":2,"messages":[{"seq":2,"payload":{"kind":"read","user":1,"conversation":"d:1:2","seq":"7"}}]}`,
		`{"type":"continue","epoch":1,"seq":0}`,
		`{"type":"reset","epoch":9007199254740993,"seq":0}`,
		`{"type":"moved","owner":7,"url":null}`,
		`{"type":"unauthorized","error":"expired"}`,
		`{"type":{"toString":1}}`,
		`{"__proto__":{"type":"continue"}}`,
		`[]`, `null`, `"messages"`, ``, `{`,
	} {
		f.Add(seed)
	}
	// One page for every input: Chromium is the expensive part.
	tb := moduleTab(f)
	f.Fuzz(func(t *testing.T, body string) {
		tb.t = t
		if got := eval[string](tb, `import('/test/jstest.js').then((m) => m.check(`+jsLiteral(body)+`))`); got != "" {
			t.Errorf("body %q: %s", body, got)
		}
	})
}

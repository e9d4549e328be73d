package httpapi

import (
	"net/http"
	"strings"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t, harnessOpts{api: func(o *Options) {
		o.FrameAncestors = []string{"https://host.example"}
		o.PollOrigins = func() []string { return []string{"https://ch1.example"} }
	}})
	b := h.browser()
	for _, path := range []string{"/", "/api/boot", "/poll", "/api/nope"} {
		r := b.do("GET", path, nil)
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "default-src 'none'", "frame-ancestors 'self' https://host.example",
			"connect-src 'self' https://ch1.example", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows unsafe script: %q", path, csp)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", path, r.header)
		}
		if r.header.Get("X-Frame-Options") != "" {
			t.Errorf("%s: X-Frame-Options would forbid the configured host from framing", path)
		}
	}
	plain := newHarness(t, harnessOpts{})
	if r := plain.browser().do("GET", "/", nil); r.header.Get("X-Frame-Options") != "SAMEORIGIN" ||
		!strings.HasSuffix(r.header.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
		t.Fatalf("default framing: %v", r.header)
	}
}

func TestJSONErrors(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	b := h.browser()
	b.login(1)
	r := b.do("GET", "/api/send", nil)
	expect(t, "GET /api/send", r, http.StatusMethodNotAllowed)
	if r.header.Get("Allow") != "POST" {
		t.Fatalf("Allow %q", r.header.Get("Allow"))
	}
	expect(t, "POST /api/boot", b.do("POST", "/api/boot", "{}"), http.StatusMethodNotAllowed)
	expect(t, "unknown API", b.do("GET", "/api/nope", nil), http.StatusNotFound)
	expect(t, "panic", b.do("GET", "/panic", nil), http.StatusInternalServerError)
}

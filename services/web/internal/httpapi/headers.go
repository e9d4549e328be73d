package httpapi

import (
	"net/http"
	"strings"
)

// secure sets the security headers on every answer. The policy allows
// scripts, styles and connections from our own origin only (no inline
// script, no eval), so a message that somehow reached the DOM as HTML still
// could not run.
func (a *API) secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", a.csp())
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Cross-Origin-Resource-Policy", "same-origin")
		if len(a.opts.FrameAncestors) == 0 {
			hd.Set("X-Frame-Options", "SAMEORIGIN") // for browsers without frame-ancestors
		}
		if apiPath(r) {
			hd.Set("Cache-Control", "no-store")
		}
		h.ServeHTTP(w, r)
	})
}

func (a *API) csp() string {
	connect := []string{"'self'"}
	if a.opts.PollOrigins != nil {
		connect = append(connect, a.opts.PollOrigins()...)
	}
	frames := []string{"'self'"}
	frames = append(frames, a.opts.FrameAncestors...)
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data:",
		"font-src 'self'",
		"manifest-src 'self'",
		"connect-src " + strings.Join(connect, " "),
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors " + strings.Join(frames, " "),
	}, "; ")
}

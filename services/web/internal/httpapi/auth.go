package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/thriftchat/thriftchat/services/web/internal/session"
)

// CookieName holds the session token.
const CookieName = "tc_session"

// CSRFHeader carries the CSRF token from /api/boot on every POST.
const CSRFHeader = "X-CSRF-Token"

var errNoSession = errors.New("no session")

// authed resolves the caller's session and refuses the request without one
// (401). A session from the cookie must also show its CSRF token on writes;
// one from an Authorization header needs none, since no browser attaches that
// header on its own (which is what a forged cross-site request relies on).
func (a *API) authed(h func(http.ResponseWriter, *http.Request, *session.Session), write bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, fromCookie, err := a.sessionOf(r)
		if err != nil {
			if fromCookie {
				a.clearCookie(w) // a dead cookie is no use to anyone
			}
			writeError(w, http.StatusUnauthorized, "sign in again: "+err.Error(), "")
			return
		}
		if write && fromCookie && !a.sessions.CheckCSRF(s.Token, r.Header.Get(CSRFHeader)) {
			writeError(w, http.StatusForbidden, "missing or wrong "+CSRFHeader+" header", "")
			return
		}
		h(w, r, &s)
	})
}

// sessionOf reads the session from "Authorization: Bearer" or, failing
// that, the cookie; fromCookie says which one was tried.
func (a *API) sessionOf(r *http.Request) (s session.Session, fromCookie bool, err error) {
	// Only a bearer token counts: a site behind HTTP basic auth has
	// browsers send "Authorization: Basic" on every request, cookie or not.
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		s, err := a.sessions.Verify(strings.TrimSpace(tok))
		return s, false, err
	}
	c, err := r.Cookie(CookieName)
	if err != nil {
		return session.Session{}, false, errNoSession
	}
	s, err = a.sessions.Verify(c.Value)
	return s, true, err
}

// setCookie stores a session in the browser until it expires.
func (a *API) setCookie(w http.ResponseWriter, s session.Session) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: s.Token, Path: "/",
		MaxAge:   max(1, int(s.ExpiresAt.Sub(a.opts.Now())/time.Second)),
		HttpOnly: true, Secure: a.opts.SecureCookies, SameSite: http.SameSiteStrictMode,
	})
}

func (a *API) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: a.opts.SecureCookies, SameSite: http.SameSiteStrictMode,
	})
}

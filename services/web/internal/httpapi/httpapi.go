// Package httpapi is the web tier's HTTP adapter: the JSON API the chat page
// calls, sessions in a cookie, CSRF checks, security headers, and the page
// itself (from the ui package) and the poll proxy mounted beside them.
package httpapi

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/web/internal/chat"
	"github.com/thriftchat/thriftchat/services/web/internal/session"
)

// MaxBody caps a request body; a send's 4,000-byte text fits with room to
// spare even when every character is escaped.
const MaxBody = 32 << 10

// Options shape the HTTP API.
type Options struct {
	// Dev enables the demo sign-in (/api/demo/*); off, those answer 404.
	Dev bool
	// SecureCookies marks the session cookie Secure (serve over HTTPS).
	SecureCookies bool
	// FrameAncestors are the origins allowed to frame the chat (CSP
	// frame-ancestors); empty means only our own origin.
	FrameAncestors []string
	// PublicURL is our own base URL; its host is accepted as an Origin.
	PublicURL string
	// PollOrigins, if set, lists origins the page may poll directly (CSP
	// connect-src), for -poll-mode=direct.
	PollOrigins func() []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Deps are what the API serves.
type Deps struct {
	Chat     *chat.Service
	Sessions *session.Manager
	// UI serves "/" and the static assets.
	UI http.Handler
	// Poll serves "/poll", the long-poll proxy.
	Poll http.Handler
	Log  zerolog.Logger
}

// API is the web tier's HTTP handler.
type API struct {
	opts     Options
	chat     *chat.Service
	sessions *session.Manager
	log      zerolog.Logger
	ownHost  string
	handler  http.Handler
}

// New builds the handler.
func New(opts Options, d Deps) *API {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &API{opts: opts, chat: d.Chat, sessions: d.Sessions, log: d.Log}
	if u, err := url.Parse(opts.PublicURL); err == nil {
		a.ownHost = u.Host
	}
	mux := http.NewServeMux()
	mux.Handle("/", d.UI)
	mux.Handle("/poll", d.Poll)
	mux.Handle("/api/", a.routes())
	a.handler = a.secure(a.recoverer(mux))
	return a
}

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// routes is the JSON API. Methods are checked here rather than in mux
// patterns so a wrong method gets a JSON 405, not the mux's plain text.
func (a *API) routes() http.Handler {
	mux := http.NewServeMux()
	post := func(path string, h func(http.ResponseWriter, *http.Request, *session.Session)) {
		mux.Handle(path, only(http.MethodPost, a.form(a.authed(h, true))))
	}
	get := func(path string, h func(http.ResponseWriter, *http.Request, *session.Session)) {
		mux.Handle(path, only(http.MethodGet, a.authed(h, false)))
	}
	mux.Handle("/api/session", only(http.MethodPost, a.form(http.HandlerFunc(a.postSession))))
	mux.Handle("/api/logout", only(http.MethodPost, a.form(http.HandlerFunc(a.postLogout))))
	mux.Handle("/api/demo/users", only(http.MethodGet, a.dev(http.HandlerFunc(a.getDemoUsers))))
	mux.Handle("/api/demo/login", only(http.MethodPost, a.dev(a.form(http.HandlerFunc(a.postDemoLogin)))))
	get("/api/boot", a.getBoot)
	get("/api/buddies", a.getBuddies)
	get("/api/history", a.getHistory)
	get("/api/since", a.getSince)
	post("/api/send", a.postSend)
	post("/api/typing", a.postTyping)
	post("/api/read", a.postRead)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API: "+r.URL.Path, "")
	})
	return mux
}

func only(method string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			writeError(w, http.StatusMethodNotAllowed, r.Method+" not allowed, use "+method, "")
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (a *API) dev(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.opts.Dev {
			writeError(w, http.StatusNotFound, "demo sign-in is off (start with -dev)", "")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// apiPath reports whether r is for the JSON API (which is never cached).
func apiPath(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

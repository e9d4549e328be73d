package ui

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAPI is the web tier's HTTP API (and the channel's long-poll behind
// it) in memory, for driving the UI through cases the real stack will not
// produce on cue: resets, moves, expired sessions, failing requests. Its
// real twin is the stack in browser_test.go; both run the same page.
type fakeAPI struct {
	srv  *httptest.Server
	hold time.Duration // long-poll hold before "continue"

	mu       sync.Mutex
	names    map[int64]string
	friends  func(a, b int64) bool
	sessions map[string]int64 // tc_session cookie → user
	links    map[string]int64 // "#token=" link tokens → user
	convs    map[string][]fakeMsg
	reads    map[string]int64 // user|conversation → read mark
	queues   map[int64]*fakeQueue
	online   map[int64]int       // polls in flight per user
	lastPoll map[int64]time.Time // when each user's last poll ended
	calls    []fakeCall          // every API request, for assertions
	faults   []fakeFault
	clock    int64 // sentAtMs of the last message; strictly increasing
}

// fakeCall is one request as the fake saw it.
type fakeCall struct {
	Method, Path, Query, Auth, CSRF string
	User                            int64
	Body                            map[string]any
	At                              time.Time
}

// fakeFault answers one matching request instead of the fake, once.
type fakeFault struct {
	user  int64 // 0: any
	path  string
	reply func(w http.ResponseWriter, r *http.Request)
}

// fakeMsg is a stored message in the web tier's JSON form.
type fakeMsg struct {
	ID           string `json:"id"`
	Conversation string `json:"conversation"`
	Seq          int64  `json:"seq"`
	Sender       int64  `json:"sender"`
	Recipient    int64  `json:"recipient"`
	Text         string `json:"text"`
	SentAtMs     int64  `json:"sentAtMs"`
	ClientMsgID  string `json:"clientMsgId"`
}

var demoNames = map[int64]string{1: "alice", 2: "bob", 3: "carol", 4: "dave", 5: "erin", 6: "frank"}

// csp is the policy the real web tier sends with every answer (see
// httpapi): no inline script or style, so the UI breaks here as it would
// there if it relied on either.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"manifest-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

func startFakeAPI(t testing.TB) *fakeAPI {
	t.Helper()
	f := &fakeAPI{
		hold:     2 * time.Second,
		names:    demoNames,
		friends:  func(a, b int64) bool { return a != b && a < 100 && b < 100 },
		sessions: map[string]int64{}, links: map[string]int64{},
		convs: map[string][]fakeMsg{}, reads: map[string]int64{}, queues: map[int64]*fakeQueue{},
		online: map[int64]int{}, lastPoll: map[int64]time.Time{},
		clock: time.Now().UnixMilli(),
	}
	mux := http.NewServeMux()
	mux.Handle("/", Handler())
	mux.Handle("/test/", http.StripPrefix("/test/", http.FileServer(http.Dir("testdata"))))
	mux.HandleFunc("/api/", f.api)
	mux.HandleFunc("/poll", f.poll)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// fail makes the next request to path (by user, or anyone when 0) answer
// with reply instead.
func (f *fakeAPI) fail(user int64, path string, reply func(w http.ResponseWriter, r *http.Request)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fakeFault{user: user, path: path, reply: reply})
}

// status is a fault reply with a code and a JSON error.
func status(code int) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, code, map[string]string{"error": "injected"})
	}
}

// dropConn is a fault reply that closes the connection with no answer, as
// a network failure looks to the browser.
func dropConn(w http.ResponseWriter, r *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

// fault takes the first fault matching the request, if any.
func (f *fakeAPI) fault(user int64, path string) func(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, x := range f.faults {
		if x.path == path && (x.user == 0 || x.user == user) {
			f.faults = append(f.faults[:i], f.faults[i+1:]...)
			return x.reply
		}
	}
	return nil
}

// callsTo returns the recorded requests to path ("" for all).
func (f *fakeAPI) callsTo(path string) []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeCall
	for _, c := range f.calls {
		if c.Path == path || path == "" {
			out = append(out, c)
		}
	}
	return out
}

// conversation returns the stored messages between a and b.
func (f *fakeAPI) conversation(a, b int64) []fakeMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.convs[convID(a, b)])
}

// waitCalls waits until at least n requests to path were made and returns them.
func (f *fakeAPI) waitCalls(t testing.TB, path string, n int) []fakeCall {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		if calls := f.callsTo(path); len(calls) >= n {
			return calls
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests to %s after %v, want %d", len(f.callsTo(path)), path, waitFor, n)
		}
		time.Sleep(10 * time.Millisecond) // polling a condition
	}
}

// moved is a poll answer saying another instance owns the user.
func moved(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"type": "moved", "owner": "channel2", "url": ""})
}

// linkToken issues a token for a "#token=" chat link.
func (f *fakeAPI) linkToken(user int64) string {
	tok := "link-" + randomHex()
	f.mu.Lock()
	f.links[tok] = user
	f.mu.Unlock()
	return tok
}

// expireSessions ends every session, as a server restart with a new secret would.
func (f *fakeAPI) expireSessions() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.sessions)
}

func randomHex() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func convID(a, b int64) string {
	return "d:" + strconv.FormatInt(min(a, b), 10) + ":" + strconv.FormatInt(max(a, b), 10)
}

func qint(r *http.Request, name string, def int64) int64 {
	v, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil {
		return def
	}
	return v
}

func bearer(r *http.Request) string {
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

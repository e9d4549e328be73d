package ui

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pollQuery returns the epoch, seq and idle of a recorded poll.
func pollQuery(t *testing.T, c fakeCall) (epoch, seq, idle int64) {
	t.Helper()
	q, err := url.ParseQuery(c.Query)
	if err != nil {
		t.Fatal(err)
	}
	n := func(k string) int64 {
		v, err := strconv.ParseInt(q.Get(k), 10, 64)
		if err != nil {
			t.Fatalf("poll %q: %s: %v", c.Query, k, err)
		}
		return v
	}
	return n("epoch"), n("seq"), n("idle")
}

// TestPollProtocol drives one page through every kind of poll answer.
// The steps share the page and run in order.
func TestPollProtocol(t *testing.T) {
	t.Parallel()
	f := startFakeAPI(t)
	alice := newPerson(t, f.srv.URL)
	alice.signIn(1, "alice")

	// Polls carry the bearer token and the (epoch, seq) cursor.
	t.Run("cursor", func(t *testing.T) {
		alice.t = t
		first := f.waitCalls(t, "/poll", 1)[0]
		if !strings.HasPrefix(first.Auth, "Bearer t.") || first.User != 1 {
			t.Errorf("poll auth %q as user %d", first.Auth, first.User)
		}
		if e, s, idle := pollQuery(t, first); e != 1001 || s != 0 || idle < 0 {
			t.Errorf("first poll epoch=%d seq=%d idle=%d, want 1001, 0, >=0", e, s, idle)
		}
		f.store(2, 1, "delivered", "c1")
		alice.waitMessage(2, "delivered", 1)
		polls := f.waitCalls(t, "/poll", 2)
		if _, s, _ := pollQuery(t, polls[len(polls)-1]); s != 1 {
			t.Errorf("poll after one payload has seq=%d, want 1", s)
		}
	})

	// After a reset the page fetches the gap from /api/since, so a message
	// the lost queue held still shows, and polls on with the new epoch.
	t.Run("reset", func(t *testing.T) {
		alice.t = t
		f.mu.Lock()
		f.appendLocked(2, 1, "lost with the queue", "c2", false)
		f.mu.Unlock()
		f.restartQueue(1)
		alice.waitMessage(2, "lost with the queue", 1)
		since := f.waitCalls(t, "/api/since", 1)[0]
		if !strings.Contains(since.Query, "since=") || strings.Contains(since.Query, "since=0&") {
			t.Errorf("gap fetch %q should start at the newest message seen", since.Query)
		}
		f.store(2, 1, "after the restart", "c3")
		alice.waitMessage(2, "after the restart", 1)
		polls := f.callsTo("/poll")
		if e, _, _ := pollQuery(t, polls[len(polls)-1]); e != 1008 {
			t.Errorf("polls after reset use epoch %d, want 1008", e)
		}
		alice.waitMessage(2, "delivered", 1) // nothing doubled by the gap fill
	})

	// "moved" makes the page boot again and poll on.
	t.Run("moved", func(t *testing.T) {
		alice.t = t
		boots := len(f.callsTo("/api/boot"))
		f.fail(1, "/poll", moved)
		f.store(2, 1, "wake up", "c4") // ends the held poll; the next one is "moved"
		f.waitCalls(t, "/api/boot", boots+1)
		f.store(2, 1, "after the move", "c5")
		alice.waitMessage(2, "after the move", 1)
		alice.waitMessage(2, "wake up", 1)
	})

	// Server errors back off (jittered, growing) and recover by themselves.
	t.Run("errors", func(t *testing.T) {
		alice.t = t
		before := len(f.callsTo("/poll"))
		for range 3 {
			f.fail(1, "/poll", status(503))
		}
		f.store(2, 1, "trigger", "c6")
		alice.until("the status line shows the trouble", `document.getElementById('status').textContent.includes('Connection trouble')`)
		f.store(2, 1, "after the errors", "c7")
		alice.waitMessage(2, "after the errors", 1)
		alice.until("the status line clears", `document.getElementById('status').hidden`)
		polls := f.callsTo("/poll")[before:]
		// The held poll (before) answered "trigger"; polls[0..2] failed, so
		// the waits before polls[1], [2] and [3] are backoffs of at least
		// half of 500 ms, 1 s and 2 s.
		if len(polls) < 4 {
			t.Fatalf("%d polls after the faults, want at least 4", len(polls))
		}
		for i, min := range []time.Duration{250, 500, 1000} {
			if gap := polls[i+1].At.Sub(polls[i].At); gap < min*time.Millisecond {
				t.Errorf("retry %d came after %v, want at least %v", i+1, gap, min*time.Millisecond)
			}
		}
	})

	// A session that ends (401 on the poll) brings the sign-in page back,
	// and signing in again works.
	t.Run("unauthorized", func(t *testing.T) {
		alice.t = t
		f.expireSessions()
		f.restartQueue(1) // answer the held poll now; the next one gets 401
		alice.until("the sign-in page is back", `!document.getElementById('signin').hidden`+
			` && document.getElementById('signin-note').textContent.includes('session has ended')`+
			` && document.getElementById('chatbar').hidden`)
		alice.waitSignedOutThenSignIn(2, "bob")
	})
}

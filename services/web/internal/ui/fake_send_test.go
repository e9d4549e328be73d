package ui

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSend covers the send path of one page; the steps run in order.
func TestSend(t *testing.T) {
	t.Parallel()
	f := startFakeAPI(t)
	alice := newPerson(t, f.srv.URL)
	alice.signIn(1, "alice")

	// A send shows as pending until stored; when its answer is lost it is
	// retried with the same clientMsgId, so it is stored and shown once.
	t.Run("pending, lost answer, retry", func(t *testing.T) {
		alice.t = t
		alice.openChat(2)
		release := make(chan struct{})
		f.fail(1, "/api/send", func(w http.ResponseWriter, r *http.Request) {
			<-release
			dropConn(w, r)
		})
		alice.say(2, "are you there?")
		alice.until("the message is pending", fmt.Sprintf(
			`[...document.querySelectorAll('%s .msg.pending')].some((m) => m.textContent === 'are you there?')`, win(2)))
		close(release)
		alice.waitMessage(2, "are you there?", 1)
		sends := f.callsTo("/api/send")
		if len(sends) != 2 {
			t.Fatalf("%d sends, want 2 (the lost one and its retry)", len(sends))
		}
		id0, id1 := str(sends[0].Body, "clientMsgId"), str(sends[1].Body, "clientMsgId")
		if len(id0) != 36 || id0 != id1 {
			t.Errorf("clientMsgIds %q and %q: want one UUID, reused", id0, id1)
		}
		if n := len(f.conversation(1, 2)); n != 1 {
			t.Errorf("%d messages stored, want 1", n)
		}
		if got := alice.texts(2); len(got) != 1 {
			t.Errorf("alice sees %q, want the message once", got)
		}
	})

	// A refused send (403) shows why and does not retry by itself;
	// clicking it sends it again with the same clientMsgId.
	t.Run("refused, then retried by hand", func(t *testing.T) {
		alice.t = t
		alice.openChat(3)
		f.fail(1, "/api/send", status(http.StatusForbidden))
		alice.say(3, "hello carol")
		failed := win(3) + " .msg.failed"
		alice.until("the send shows as refused", fmt.Sprintf(
			`document.querySelector('%s')?.textContent === 'hello carol' && document.querySelector('%s .error')?.textContent.includes('only chat with friends')`,
			failed, win(3)))
		if n := len(f.callsTo("/api/send")); n != 3 {
			t.Errorf("%d sends after a 403, want 3 (no automatic retry)", n)
		}
		alice.do("click to retry", chromedp.Click(chromedp.CSS(failed)))
		alice.waitMessage(3, "hello carol", 1)
		sends := f.callsTo("/api/send")[2:]
		if len(sends) != 2 || str(sends[0].Body, "clientMsgId") != str(sends[1].Body, "clientMsgId") {
			t.Errorf("sends %v: want two with one clientMsgId", sends)
		}
	})

	// Every POST carried the session's CSRF token (the fake refuses
	// others, but the page must not lean on a refusal to notice).
	t.Run("csrf", func(t *testing.T) {
		cookie := strings.TrimPrefix(f.callsTo("/poll")[0].Auth, "Bearer t.")
		posts := 0
		for _, c := range f.callsTo("") {
			if c.Method == http.MethodPost && c.Path != "/api/demo/login" {
				posts++
				if c.CSRF != csrfOf(cookie) {
					t.Errorf("POST %s with X-CSRF-Token %q", c.Path, c.CSRF)
				}
			}
		}
		if posts < 4 {
			t.Errorf("%d POSTs seen; the test saw too little", posts)
		}
	})
}

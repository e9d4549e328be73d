package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTypingUnreadAndTabs: "typing…" shows and clears; messages to a
// minimised window count as unread (badge, buddy list, title) until it
// opens and marks them read; a second tab of the same person gets the
// sends of the first exactly once, and its read mark clears the first's badge.
func TestTypingUnreadAndTabs(t *testing.T) {
	t.Parallel()
	f := startFakeAPI(t)
	alice, bob := newPerson(t, f.srv.URL), newPerson(t, f.srv.URL)
	alice.signIn(1, "alice")
	bob.signIn(2, "bob")
	alice.openChat(2)
	bob.openChat(1)

	typing := win(2) + " .typing"
	bob.do("type without sending", chromedp.SendKeys(chromedp.CSS(win(1)+" textarea"), "hmm"))
	alice.until("alice sees bob typing", fmt.Sprintf(`!document.querySelector('%s').hidden`, typing))
	if got := eval[string](alice, fmt.Sprintf(`document.querySelector('%s').textContent`, typing)); got != "bob is typing…" {
		t.Errorf("typing note %q", got)
	}
	bob.say(1, " ok")
	alice.waitMessage(2, "hmm ok", 1)
	alice.until("the typing note clears on the message", fmt.Sprintf(`document.querySelector('%s').hidden`, typing))
	if len(f.callsTo("/api/typing")) == 0 {
		t.Error("no POST /api/typing")
	}

	// Unread while minimised.
	alice.do("minimise", chromedp.Click(chromedp.CSS(win(2)+" .panel-head")))
	bob.say(1, "ping 1")
	bob.say(1, "ping 2")
	alice.until("two unread", fmt.Sprintf(`document.querySelector('%s .badge').textContent === '2'`+
		` && document.querySelector('.buddy[data-user="2"] .badge')?.textContent === '2'`+
		` && document.title === '(2) thriftchat'`, win(2)))

	// A second tab of alice's: it boots with the unread count, and reading
	// there clears the first tab's badge through the read payload.
	alice2 := alice.sibling()
	alice2.load(buddyRefresh)
	alice2.waitSignedIn("alice")
	alice2.until("the new tab knows the unread", `document.querySelector('.buddy[data-user="2"] .badge')?.textContent === '2'`)
	alice2.openChat(2)
	alice2.waitMessage(2, "ping 2", 1)
	alice.until("reading in the other tab clears the badge", fmt.Sprintf(
		`document.querySelector('%s .badge').hidden && !document.querySelector('.buddy[data-user="2"] .badge') && document.title === 'thriftchat'`, win(2)))
	reads := f.waitCalls(t, "/api/read", 1)
	if last := reads[len(reads)-1].Body; num(last, "peer") != 2 || num(last, "seq") != 3 {
		t.Errorf("last read mark %v, want peer 2 seq 3 (ping 2)", last)
	}

	// A send from one tab shows once in both.
	alice2.say(2, "from tab two")
	alice2.waitMessage(2, "from tab two", 1)
	alice.waitMessage(2, "from tab two", 1)
	bob.waitMessage(1, "from tab two", 1)
	if got := alice2.texts(2); !slices.Equal(got, []string{"hmm ok", "ping 1", "ping 2", "from tab two"}) {
		t.Errorf("second tab shows %q", got)
	}
}

// TestHistoryAndReload: a window opens on the newest page of history and
// pages back on request; open and minimised windows come back after a
// reload, each with its history.
func TestHistoryAndReload(t *testing.T) {
	t.Parallel()
	f := startFakeAPI(t)
	f.store(3, 1, "old news from carol", "c1")
	for i := range 54 {
		f.store(1, 2, fmt.Sprintf("note %d", i+1), fmt.Sprintf("n%d", i))
	}
	alice := newPerson(t, f.srv.URL)
	alice.signIn(1, "alice")
	alice.openChat(2)
	alice.waitMessage(2, "note 54", 1)
	if n := len(alice.texts(2)); n != 50 {
		t.Errorf("a window opens with %d messages, want the newest 50", n)
	}
	more := win(2) + " .more"
	alice.do("page back", chromedp.WaitVisible(chromedp.CSS(more)), chromedp.Click(chromedp.CSS(more)))
	alice.waitMessage(2, "note 1", 1)
	alice.until("no more to page back to", `document.querySelector('`+more+`').hidden`)
	if got := alice.texts(2); len(got) != 54 || got[0] != "note 1" || got[53] != "note 54" {
		t.Errorf("after paging back: %d messages, %q … %q", len(got), got[0], got[len(got)-1])
	}

	alice.openChat(3)
	alice.do("minimise carol", chromedp.Click(chromedp.CSS(win(3)+" .panel-head")))
	alice.load(buddyRefresh)
	alice.waitSignedIn("alice")
	alice.waitMessage(2, "note 54", 1)
	alice.waitMessage(3, "old news from carol", 1)
	state := eval[[]string](alice, `[...document.querySelectorAll('.chatwin')].map((w) => w.dataset.peer + (w.classList.contains('minimised') ? ' min' : ' open'))`)
	if !slices.Equal(state, []string{"2 open", "3 min"}) {
		t.Errorf("windows after reload: %q, want [2 open, 3 min]", state)
	}
	alice.do("close bob", chromedp.Click(chromedp.CSS(win(2)+" .chat-tab .close")))
	alice.load(buddyRefresh)
	alice.waitSignedIn("alice")
	alice.waitMessage(3, "old news from carol", 1)
	if n := eval[int](alice, `document.querySelectorAll('.chatwin').length`); n != 1 {
		t.Errorf("%d windows after closing one and reloading, want 1", n)
	}
}

// TestMessagesAreText: markup in a message is shown as the characters
// typed, both as sent and as received through the poll, and no script of
// it runs. (The real-stack test repeats this between two people.)
func TestMessagesAreText(t *testing.T) {
	t.Parallel()
	f := startFakeAPI(t)
	evil := `<b>bold</b><script>window.pwned=1</script><img src=x onerror="window.pwned=2">`
	alice := newPerson(t, f.srv.URL)
	alice.signIn(1, "alice")
	alice.openChat(2)
	alice.say(2, evil)
	f.store(2, 1, "re: "+evil, "c1")
	alice.waitMessage(2, evil, 1)
	alice.waitMessage(2, "re: "+evil, 1)
	if n := eval[int](alice, `document.querySelectorAll('.msg b, .msg script, .msg img').length`); n != 0 {
		t.Errorf("%d elements made from message text", n)
	}
	if pwned := eval[bool](alice, `window.pwned !== undefined`); pwned {
		t.Error("script from a message ran")
	}
}

// TestSignInPaths: a "#token=" link signs in and leaves the address bar;
// a bad link says so; sign-out returns to the sign-in page and forgets
// the windows; without dev mode the page says where to sign in.
func TestSignInPaths(t *testing.T) {
	t.Parallel()
	f := startFakeAPI(t)
	carol := newPerson(t, f.srv.URL)
	carol.load("/#token=" + f.linkToken(3))
	carol.waitSignedIn("carol")
	if hash := eval[string](carol, `location.hash`); hash != "" {
		t.Errorf("token left in the URL: %q", hash)
	}
	if s := f.callsTo("/api/session"); len(s) != 1 || !strings.HasPrefix(str(s[0].Body, "token"), "link-") {
		t.Errorf("POST /api/session: %v", s)
	}

	carol.openChat(1)
	carol.do("sign out", chromedp.Click(chromedp.ID("signout")))
	carol.until("signed out", `!document.getElementById('signin').hidden && document.getElementById('chatbar').hidden`+
		` && sessionStorage.getItem('thriftchat.windows') === null`)
	if len(f.callsTo("/api/logout")) != 1 {
		t.Error("no POST /api/logout")
	}

	carol.load("/#token=forged")
	carol.until("a bad link is explained", `document.getElementById('signin-note').textContent.includes('did not work')`+
		` && document.querySelectorAll('.demo-user').length === 6`)

	f.fail(0, "/api/demo/users", status(http.StatusNotFound))
	carol.load("/")
	carol.until("no demo: told where to sign in", `document.getElementById('signin-note').textContent.includes('from your site')`+
		` && document.querySelectorAll('.demo-user').length === 0`)
}

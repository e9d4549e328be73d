package ui

import (
	"os"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/thriftchat/thriftchat/services/internal/stacktest"
)

// TestBrowser is the chat end to end: the four real services on loopback
// ports, Chromium as two people in separate browser contexts. They sign in
// through the demo page, see each other online, talk both ways (markup
// included, which must arrive as text), and find their history after a
// reload. With THRIFTCHAT_SCREENSHOT=path it saves a picture of the chat
// for the README.
func TestBrowser(t *testing.T) {
	t.Parallel()
	stack := stacktest.Start(t, stacktest.Options{Dev: true})
	alice, bob := newPerson(t, stack.WebURL), newPerson(t, stack.WebURL)
	alice.signIn(1, "alice")
	bob.signIn(2, "bob")
	alice.waitBuddy(2, "active")
	bob.waitBuddy(1, "active")

	alice.openChat(2)
	alice.say(2, "hi bob, lunch at noon?")
	alice.waitMessage(2, "hi bob, lunch at noon?", 1)
	bob.waitMessage(1, "hi bob, lunch at noon?", 1) // bob's window pops up by itself
	bob.openChat(1)
	bob.say(1, "sure, see you there")
	alice.waitMessage(2, "sure, see you there", 1)
	bob.waitMessage(1, "sure, see you there", 1)

	evil := `<b>bold</b><script>window.pwned=1</script><img src=x onerror="window.pwned=2">`
	bob.say(1, evil)
	alice.waitMessage(2, evil, 1)
	bob.waitMessage(1, evil, 1)
	for _, who := range []*tab{alice, bob} {
		if n := eval[int](who, `document.querySelectorAll('.msg b, .msg script, .msg img').length`); n != 0 {
			t.Errorf("%d elements made from message text", n)
		}
		if eval[bool](who, `window.pwned !== undefined`) {
			t.Error("script from a message ran")
		}
	}

	// A second window (carol is offline; she will read it later), and bob
	// typing, for the picture.
	alice.openChat(3)
	alice.say(3, "carol, are you coming tonight?")
	alice.waitMessage(3, "carol, are you coming tonight?", 1)
	bob.do("bob starts typing", chromedp.SendKeys(chromedp.CSS(win(1)+" textarea"), "on my way"))
	alice.until("alice sees bob typing", `!document.querySelector('`+win(2)+` .typing').hidden`)
	alice.screenshot(os.Getenv("THRIFTCHAT_SCREENSHOT"))

	want := map[*tab][]string{
		alice: {"hi bob, lunch at noon?", "sure, see you there", evil},
		bob:   {"hi bob, lunch at noon?", "sure, see you there", evil},
	}
	peers := map[*tab]int64{alice: 2, bob: 1}
	for _, who := range []*tab{alice, bob} {
		who.load(buddyRefresh)
		who.waitMessage(peers[who], evil, 1)
		if got := who.texts(peers[who]); !slices.Equal(got, want[who]) {
			t.Errorf("after reload: %q, want %q", got, want[who])
		}
	}
	alice.waitMessage(3, "carol, are you coming tonight?", 1)
}

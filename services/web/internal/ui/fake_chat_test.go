package ui

import (
	"os"
	"slices"
	"testing"
)

// TestFakeConversation: two people sign in, see each other online, talk
// both ways, and keep their history across a reload — against the fake.
func TestFakeConversation(t *testing.T) {
	f := startFakeAPI(t)
	alice, bob := newPerson(t, f.srv.URL), newPerson(t, f.srv.URL)
	alice.signIn(1, "alice")
	bob.signIn(2, "bob")
	alice.waitBuddy(2, "active")
	bob.waitBuddy(1, "active")

	alice.openChat(2)
	alice.say(2, "hi bob")
	alice.waitMessage(2, "hi bob", 1)
	bob.waitMessage(1, "hi bob", 1) // the window pops up by itself
	bob.openChat(1)
	bob.say(1, "hey alice")
	alice.waitMessage(2, "hey alice", 1)
	bob.waitMessage(1, "hey alice", 1)

	alice.screenshot(os.Getenv("THRIFTCHAT_FAKE_SCREENSHOT"))
	alice.load(buddyRefresh)
	alice.waitSignedIn("alice")
	alice.waitMessage(2, "hey alice", 1)
	if got, want := alice.texts(2), []string{"hi bob", "hey alice"}; !slices.Equal(got, want) {
		t.Errorf("after reload alice sees %q, want %q", got, want)
	}
}

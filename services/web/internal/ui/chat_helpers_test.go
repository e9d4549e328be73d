package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Page-level steps shared by the fake-backed tests and the real-stack test.
// Selectors are the UI's own hooks: .buddy[data-user], .chatwin[data-peer],
// .msg[data-id] and .msg.pending.

// buddyRefresh makes the page pull the buddy list every second, so a test
// sees a friend come online without waiting the default 15 s.
const buddyRefresh = "/?buddyRefresh=1"

func win(peer int64) string { return fmt.Sprintf(`.chatwin[data-peer="%d"]`, peer) }

// signIn uses the demo sign-in page as a person would (again, if the
// machine's network changed under Chromium meanwhile; see load).
func (tb *tab) signIn(user int64, name string) {
	tb.t.Helper()
	button := fmt.Sprintf(`.demo-user[data-user="%d"]`, user)
	tb.retryOnNetworkChange("sign in as "+name, func() bool {
		tb.load(buddyRefresh)
		if !tb.try(`document.querySelector('`+button+`')`, waitFor/2) {
			return false
		}
		tb.do("sign in as "+name, chromedp.Click(chromedp.CSS(button)))
		return tb.try(signedIn(name), waitFor)
	})
}

func signedIn(name string) string {
	return `document.getElementById('me').textContent === ` + jsLiteral(name) + ` && !document.getElementById('chatbar').hidden`
}

func (tb *tab) waitSignedIn(name string) {
	tb.t.Helper()
	tb.until("signed in as "+name, signedIn(name))
}

// waitBuddy waits until friend shows in the buddy list in state.
func (tb *tab) waitBuddy(friend int64, state string) {
	tb.t.Helper()
	tb.until(fmt.Sprintf("buddy %d is %s", friend, state),
		fmt.Sprintf(`document.querySelector('.buddy[data-user="%d"]')?.dataset.state === %s`, friend, jsLiteral(state)))
}

// openChat clicks a friend in the buddy list and waits for the open window.
func (tb *tab) openChat(peer int64) {
	tb.t.Helper()
	tb.do("open chat", chromedp.Click(chromedp.CSS(fmt.Sprintf(`.buddy[data-user="%d"]`, peer))),
		chromedp.WaitVisible(chromedp.CSS(win(peer)+" textarea")))
}

// say types text into the window for peer and presses Enter.
func (tb *tab) say(peer int64, text string) {
	tb.t.Helper()
	tb.do("type a message", chromedp.SendKeys(chromedp.CSS(win(peer)+" textarea"), text), enter)
	tb.until("the input is cleared for the next message", `document.querySelector('`+win(peer)+` textarea').value === ''`)
}

// enter presses Enter in the focused element as a keyboard does. SendKeys
// would add a "char" event whose newline lands in the textarea even though
// the page cancelled the keydown, which a real keyboard never does.
var enter = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13,
		})
		if err != nil {
			return err
		}
	}
	return nil
})

// waitMessage waits until the window for peer shows text as a stored
// (acknowledged) message, count times.
func (tb *tab) waitMessage(peer int64, text string, count int) {
	tb.t.Helper()
	tb.until(fmt.Sprintf("%q shows %d times with %d", text, count, peer), fmt.Sprintf(
		`[...document.querySelectorAll('%s .msg[data-id]:not(.pending)')].filter((m) => m.textContent === %s).length === %d`,
		win(peer), jsLiteral(text), count))
}

// texts returns the messages of the window for peer, in order.
func (tb *tab) texts(peer int64) []string {
	tb.t.Helper()
	return eval[[]string](tb, fmt.Sprintf(`[...document.querySelectorAll('%s .msg')].map((m) => m.textContent)`, win(peer)))
}

// screenshot saves the page as a PNG at path (for the README) when path is set.
func (tb *tab) screenshot(path string) {
	tb.t.Helper()
	if path == "" {
		return
	}
	// The pointer off every row, so nothing shows hovered.
	tb.do("move the pointer away", chromedp.MouseEvent(chromedp.MouseMoved, 1, 1))
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot saved to %s", path)
}

// waitSignedOutThenSignIn signs in from the sign-in page already showing.
func (tb *tab) waitSignedOutThenSignIn(user int64, name string) {
	tb.t.Helper()
	button := chromedp.CSS(fmt.Sprintf(`.demo-user[data-user="%d"]`, user))
	tb.do("sign in as "+name, chromedp.WaitVisible(button), chromedp.Click(button))
	tb.waitSignedIn(name)
}

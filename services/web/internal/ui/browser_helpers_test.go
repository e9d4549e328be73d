package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.uber.org/goleak"
)

// The browser every browser test shares: one Chromium process, a fresh
// incognito-like browser context per simulated person.
var (
	browserOnce   sync.Once
	browserCtx    context.Context
	browserCancel context.CancelFunc = func() {}
	browserErr    error
)

// waitFor bounds every wait on the page; nothing here sleeps.
const waitFor = 15 * time.Second

func TestMain(m *testing.M) {
	code := m.Run()
	// Chromium and chromedp's goroutines end with the browser.
	browserCancel()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// chromiumPath is Debian's chromium unless THRIFTCHAT_CHROMIUM names another.
func chromiumPath() string {
	if p := os.Getenv("THRIFTCHAT_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// browser starts the shared Chromium on first use. A missing Chromium
// fails the test (it never skips): CI installs it, and a browser test that
// quietly does not run proves nothing.
func browser(t testing.TB) context.Context {
	t.Helper()
	browserOnce.Do(func() {
		path := chromiumPath()
		if _, err := os.Stat(path); err != nil {
			browserErr = fmt.Errorf("chromium not found at %s (install Debian's chromium, or set THRIFTCHAT_CHROMIUM): %w", path, err)
			return
		}
		// As root Chromium runs only headless and without its sandbox.
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.WindowSize(1200, 760),
		)
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(alloc)
		browserCtx = ctx
		browserCancel = func() { cancelCtx(); cancelAlloc() }
		browserErr = chromedp.Do(ctx) // starts the browser
	})
	if browserErr != nil {
		t.Fatalf("browser: %v", browserErr)
	}
	return browserCtx
}

// tab is one page in the browser, with the console messages it printed.
type tab struct {
	t    testing.TB // fails the current test; see FuzzPollAnswer
	ctx  context.Context
	base string

	mu      sync.Mutex
	console []chromedp.ConsoleMessage
}

// newPerson opens a tab in a browser context of its own: its own cookies
// and storage, as a different person on a different computer.
func newPerson(t testing.TB, base string) *tab {
	return openTab(t, browser(t), base, chromedp.WithNewBrowserContext())
}

// sibling opens another tab of the same person (same cookies, own sessionStorage).
func (tb *tab) sibling() *tab {
	return openTab(tb.t, tb.ctx, tb.base)
}

func openTab(t testing.TB, parent context.Context, base string, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, opts...)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("open tab: %v", err)
	}
	tb := &tab{t: t, ctx: ctx, base: base}
	msgs := chromedp.Console(ctx)
	done := make(chan struct{})
	// Owned by the tab: ends when cancel ends the tab's context.
	go func() {
		defer close(done)
		for m, err := range msgs {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.console = append(tb.console, m)
			tb.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		tb.checkConsole(t)
	})
	return tb
}

// checkConsole fails the test on an uncaught exception or a CSP violation.
// Failed requests the test provoked are logged by the browser too; those
// are expected and pass.
func (tb *tab) checkConsole(t testing.TB) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, m := range tb.console {
		if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
			t.Errorf("browser console: %s at %s:%d", m.Text, m.URL, m.Line+1)
		}
	}
}

// do runs actions with a deadline, failing the test on error.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, waitFor+5*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.dump()
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// until waits for a JavaScript condition to hold on the page.
func (tb *tab) until(what, expr string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, waitFor+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(waitFor)))
	if err != nil {
		if errors.Is(err, chromedp.ErrPollingTimeout) {
			err = fmt.Errorf("not true after %v: %s", waitFor, expr)
		}
		tb.dump()
		tb.t.Fatalf("waiting until %s: %v", what, err)
	}
}

// eval evaluates expr on the page and decodes its value.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, waitFor)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

// appStarted holds once app.js has run: it always shows one of these.
const appStarted = `!document.getElementById('signin').hidden || !document.getElementById('home').hidden` +
	` || !document.getElementById('status').hidden`

// load navigates to a path of the server under test and, for the app's
// own pages, waits until the app has started.
//
// Chromium aborts requests in flight when the machine's network
// interfaces change (net::ERR_NETWORK_CHANGED), which other tests on a
// shared machine cause by starting containers; a page whose module
// imports were aborted never starts. Such a load is retried, twice at
// most, and only when Chromium said that is what happened.
func (tb *tab) load(path string) {
	tb.t.Helper()
	tb.retryOnNetworkChange("load "+path, func() bool {
		tb.do("load "+path, chromedp.Navigate(tb.base+path))
		return strings.HasPrefix(path, "/test/") || tb.try(appStarted, waitFor/2)
	})
}

// retryOnNetworkChange runs step until it reports success; a failure is
// retried only if Chromium saw the network change meanwhile.
func (tb *tab) retryOnNetworkChange(what string, step func() bool) {
	tb.t.Helper()
	for attempt := 1; ; attempt++ {
		mark := tb.networkChanges()
		if step() {
			return
		}
		if tb.networkChanges() == mark || attempt == 3 {
			tb.dump()
			tb.t.Fatalf("%s: failed", what)
		}
		tb.t.Logf("%s: the network changed under Chromium; again", what)
	}
}

// networkChanges counts Chromium's ERR_NETWORK_CHANGED reports so far.
func (tb *tab) networkChanges() int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	n := 0
	for _, m := range tb.console {
		if strings.Contains(m.Text, "ERR_NETWORK_CHANGED") {
			n++
		}
	}
	return n
}

// try reports whether a JavaScript condition holds within d.
func (tb *tab) try(expr string, d time.Duration) bool {
	ctx, cancel := context.WithTimeout(tb.ctx, d+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(d)))
	return err == nil
}

// dump logs what the page shows and printed, to explain a failed wait.
func (tb *tab) dump() {
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	tb.t.Logf("page text (err %v):\n%s", err, text)
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, m := range tb.console {
		tb.t.Logf("console %s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1)
	}
}

package discovery

import "sync"

// Latest holds a Resolver's current View and publishes replacements. The zero
// value holds an empty view.
type Latest struct {
	mu   sync.Mutex
	view *View
}

// NewLatest starts with an empty view.
func NewLatest() *Latest { return &Latest{view: NewView(nil)} }

// View returns the current view; never nil.
func (l *Latest) View() *View {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.init()
	return l.view
}

// Publish makes next current if it differs from the current view, closing
// the old view's Stale channel; it reports whether the view changed.
func (l *Latest) Publish(next *View) bool {
	l.mu.Lock()
	l.init()
	prev := l.view
	if prev.Same(next) {
		l.mu.Unlock()
		return false
	}
	l.view = next
	l.mu.Unlock()
	// Closed outside the lock: watchers woken by it call View at once.
	// Only the publisher that replaced prev gets here, so it closes once.
	close(prev.stale)
	return true
}

// init makes the zero value (and a zero Static) hold an empty view; l.mu is held.
func (l *Latest) init() {
	if l.view == nil {
		l.view = NewView(nil)
	}
}

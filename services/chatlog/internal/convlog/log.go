package convlog

import (
	"context"
	"fmt"
	"time"
)

// Log is the chatlog service over a Store: it validates every request, so
// the Store sees only well-formed ones, and wraps store errors with context.
type Log struct {
	store Store
}

// New returns a Log over store; it does not own the store.
func New(store Store) *Log { return &Log{store: store} }

// Append validates and stores drafts (at most MaxBatch) as one durable,
// all-or-nothing write. An invalid draft fails the whole call with an
// InvalidError naming it, and nothing is stored.
func (l *Log) Append(ctx context.Context, drafts []Draft) ([]Message, error) {
	if err := CheckBatch(drafts); err != nil {
		return nil, err
	}
	if len(drafts) == 0 {
		return nil, nil
	}
	ms, err := l.store.Append(ctx, drafts)
	if err != nil {
		return nil, fmt.Errorf("append %d to %s: %w", len(drafts), drafts[0].Conv().ID, err)
	}
	return ms, nil
}

// History reads part of the conversation id (see Cursor and WindowOf).
func (l *Log) History(ctx context.Context, id string, c Cursor) (Page, error) {
	conv, err := ParseConv(id)
	if err != nil {
		return Page{}, err
	}
	if err := c.Check(); err != nil {
		return Page{}, err
	}
	p, err := l.store.History(ctx, conv, c)
	if err != nil {
		return Page{}, fmt.Errorf("history of %s: %w", conv.ID, err)
	}
	return p, nil
}

// Recent lists user's conversations, newest activity first, at most limit
// (1 to MaxRecent).
func (l *Log) Recent(ctx context.Context, user int64, limit int) ([]Summary, error) {
	if err := checkUser("user", user); err != nil {
		return nil, err
	}
	if err := checkLimit(limit, MaxRecent); err != nil {
		return nil, err
	}
	s, err := l.store.Recent(ctx, user, limit)
	if err != nil {
		return nil, fmt.Errorf("recent of %d: %w", user, err)
	}
	return s, nil
}

// MarkRead raises user's read mark in the conversation id to seq (clamped to
// the newest message); it never moves back. user must take part in it.
func (l *Log) MarkRead(ctx context.Context, user int64, id string, seq int64) error {
	if err := checkUser("user", user); err != nil {
		return err
	}
	conv, err := ParseConv(id)
	if err != nil {
		return err
	}
	if !conv.Has(user) {
		return invalid("user", "%d does not take part in %s", user, conv.ID)
	}
	if seq < 0 {
		return invalid("seq", "is %d; want 0 or more", seq)
	}
	if err := l.store.MarkRead(ctx, user, conv, seq); err != nil {
		return fmt.Errorf("mark %s read by %d: %w", conv.ID, user, err)
	}
	return nil
}

// Since returns messages to or from user sent after since, oldest first: at
// most limit (1 to MaxSince), but never ending inside a millisecond, and
// fewer when the texts are long, to fit one reply. more reports a cut.
func (l *Log) Since(ctx context.Context, user int64, since time.Time, limit int) ([]Message, bool, error) {
	if err := checkUser("user", user); err != nil {
		return nil, false, err
	}
	if since.UnixMilli() < 0 {
		return nil, false, invalid("sinceMs", "is negative")
	}
	if err := checkLimit(limit, MaxSince); err != nil {
		return nil, false, err
	}
	p, err := l.store.Since(ctx, user, since, limit)
	if err != nil {
		return nil, false, fmt.Errorf("since %d for %d: %w", since.UnixMilli(), user, err)
	}
	return p.Messages, p.More, nil
}

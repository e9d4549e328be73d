package convlog

import (
	"context"
	"errors"
	"time"
)

// ErrClosed is returned by a Store used after Close.
var ErrClosed = errors.New("chatlog store closed")

// Store keeps conversations durably. The embedded default is pebblestore; a
// shared distributed database can implement the same interface. Requests
// reach a Store already validated by Log. storetest checks an implementation.
type Store interface {
	// Append stores the drafts durably, in order, all or nothing, assigning
	// ids, seqs and server time. A draft whose (conversation, sender,
	// client message id) is already stored, or comes earlier in the same
	// call, yields the stored message instead of a copy, also when retries
	// race; if its text differs, Append fails with an InvalidError and
	// stores nothing. It returns once the messages are durable.
	Append(ctx context.Context, drafts []Draft) ([]Message, error)
	// History reads the window of conv selected by a checked cursor.
	History(ctx context.Context, conv Conv, c Cursor) (Page, error)
	// Recent lists user's conversations, newest activity first.
	Recent(ctx context.Context, user int64, limit int) ([]Summary, error)
	// MarkRead raises user's read mark in conv to seq, or to the newest
	// message when seq is past it; it never lowers it.
	MarkRead(ctx context.Context, user int64, conv Conv, seq int64) error
	// Since gathers messages to or from user sent after since, oldest first,
	// as SincePage does.
	Since(ctx context.Context, user int64, since time.Time, limit int) (SincePage, error)
	// Close releases the store; calls in flight finish first and later
	// ones fail with ErrClosed. Closing again does nothing.
	Close() error
}

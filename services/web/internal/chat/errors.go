package chat

import (
	"errors"
	"fmt"
	"time"
)

// Errors adapters branch on; wrapped errors say more.
var (
	// ErrNotFriends: only friends may chat.
	ErrNotFriends = errors.New("not friends")
	// ErrNotFound: a named user does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnavailable: a tier this call needs did not answer; retry later.
	ErrUnavailable = errors.New("unavailable")
)

// InvalidError is a request that will fail again unchanged.
type InvalidError struct {
	// Field is the offending input's name as callers spell it, or "".
	Field  string
	Reason string
}

// Error says which field is wrong and why.
func (e *InvalidError) Error() string {
	if e.Field == "" {
		return "invalid request: " + e.Reason
	}
	return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
}

func invalid(field, format string, args ...any) error {
	return &InvalidError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// RateLimitError refuses an action until RetryAfter has passed.
type RateLimitError struct {
	RetryAfter time.Duration
}

// Error says how long to wait.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited: retry after %v", e.RetryAfter)
}

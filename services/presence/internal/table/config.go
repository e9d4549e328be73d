package table

import (
	"fmt"
	"time"
)

// Limits on what a report may carry: the presence contract's bounds, which
// presenceclient repeats for callers (a test keeps the two equal).
const (
	// MaxReporterLen bounds a reporter id, in bytes.
	MaxReporterLen = 128
	// MinInterval and MaxInterval bound a reporter's report interval.
	MinInterval = 100 * time.Millisecond
	MaxInterval = 10 * time.Minute
	// MaxIdle bounds a reported idle time; anything longer is a reporter bug.
	MaxIdle = 365 * 24 * time.Hour
	// maxReporters is how many reporters an entry can name; later ones
	// share the name "(other)" (see reporters.intern).
	maxReporters = reporterMask
)

// Config sets a table's rules. The service's defaults live in its config
// package; the zero value is invalid.
type Config struct {
	// ExpireAfter is how many report intervals an entry outlives its last
	// report before it lapses to offline.
	ExpireAfter int
	// IdleAfter is how long after the user's last input an online user
	// counts as idle.
	IdleAfter time.Duration
	// MaxOffline caps the offline entries kept for "last seen"; past it the
	// sweeper drops the longest-offline ones.
	MaxOffline int
	// Reporters, if not empty, is the closed list of reporter ids accepted;
	// any other reporter is unknown. Empty accepts any well-formed id.
	Reporters []string
	// Now is the wall clock; nil means time.Now. Tests inject their own.
	Now func() time.Time
}

func (c Config) check() error {
	switch {
	case c.ExpireAfter < 1 || c.ExpireAfter > 100:
		return fmt.Errorf("table: expire after %d intervals: want 1 to 100", c.ExpireAfter)
	case c.IdleAfter < time.Second:
		return fmt.Errorf("table: idle after %v: want at least 1s", c.IdleAfter)
	case c.MaxOffline < 0:
		return fmt.Errorf("table: max offline %d is negative", c.MaxOffline)
	case len(c.Reporters) > maxReporters:
		return fmt.Errorf("table: %d reporters listed: at most %d", len(c.Reporters), maxReporters)
	}
	for _, r := range c.Reporters {
		if err := checkReporter(r); err != nil {
			return fmt.Errorf("table: listed %w", err)
		}
	}
	return nil
}

// InputError is a request the table refuses; retrying it unchanged fails
// again. Field names the culprit, as the contract calls it.
type InputError struct {
	Field  string
	Reason string
}

// Error says what is wrong, naming the field.
func (e *InputError) Error() string { return "invalid " + e.Field + ": " + e.Reason }

func checkReporter(r string) error {
	if r == "" || len(r) > MaxReporterLen {
		return &InputError{"reporter", fmt.Sprintf("reporter id must be 1 to %d bytes, got %d", MaxReporterLen, len(r))}
	}
	return nil
}

// checkReport validates a whole report before any of it is applied, so a
// report is taken whole or not at all.
func checkReport(interval time.Duration, entries []Entry) error {
	if interval < MinInterval || interval > MaxInterval {
		return &InputError{"intervalMs", fmt.Sprintf("interval %v outside [%v, %v]", interval, MinInterval, MaxInterval)}
	}
	for _, e := range entries {
		if e.User <= 0 {
			return &InputError{"entries", fmt.Sprintf("user id %d is not positive", e.User)}
		}
		if e.Idle < 0 || e.Idle > MaxIdle {
			return &InputError{"entries", fmt.Sprintf("user %d: idle %v outside [0, %v]", e.User, e.Idle, MaxIdle)}
		}
	}
	return nil
}

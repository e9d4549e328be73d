// Package consul implements discovery.Registrar and discovery.Resolver on a
// Consul agent: a Registrar registers this process with an HTTP health check
// and keeps the registration alive; a Resolver follows the passing instances
// of one service with blocking queries and keeps the last good view while
// Consul is away.
package consul

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hashicorp/consul/api"
)

// Defaults, overridden with Options.
const (
	// DefaultCheckInterval is how often Consul calls the health URL; one
	// second is also Consul's minimum.
	DefaultCheckInterval = time.Second
	// DefaultCheckTimeout bounds one health call.
	DefaultCheckTimeout = time.Second
	// DefaultDeregisterAfter is how long a critical instance stays registered
	// before Consul reaps it (one minute is the least Consul accepts).
	DefaultDeregisterAfter = time.Minute
	// DefaultKeepAlive is how often a Registrar checks that the agent still
	// holds its registration; an agent restarted in dev mode forgets it.
	DefaultKeepAlive = 2 * time.Second
	// DefaultWaitTime is how long one blocking query waits for a change.
	DefaultWaitTime = time.Minute
	// DefaultMinBackoff and DefaultMaxBackoff bound the retry delay after errors.
	DefaultMinBackoff = 100 * time.Millisecond
	DefaultMaxBackoff = 10 * time.Second
)

// An Option changes a Registrar's or a Resolver's settings; each documents
// which of the two reads it. Non-positive durations keep the default.
type Option func(*settings)

type settings struct {
	checkInterval, checkTimeout, deregisterAfter, keepAlive time.Duration
	waitTime, minBackoff, maxBackoff                        time.Duration
}

func newSettings(opts []Option) settings {
	s := settings{
		checkInterval: DefaultCheckInterval, checkTimeout: DefaultCheckTimeout,
		deregisterAfter: DefaultDeregisterAfter, keepAlive: DefaultKeepAlive,
		waitTime: DefaultWaitTime, minBackoff: DefaultMinBackoff, maxBackoff: DefaultMaxBackoff,
	}
	for _, o := range opts {
		o(&s)
	}
	s.maxBackoff = max(s.maxBackoff, s.minBackoff)
	return s
}

func set(dst *time.Duration, d time.Duration) {
	if d > 0 {
		*dst = d
	}
}

// WithCheck sets the health check's interval and timeout (Registrar).
func WithCheck(interval, timeout time.Duration) Option {
	return func(s *settings) { set(&s.checkInterval, interval); set(&s.checkTimeout, timeout) }
}

// WithDeregisterAfter sets how long Consul keeps a critical instance (Registrar).
func WithDeregisterAfter(d time.Duration) Option {
	return func(s *settings) { set(&s.deregisterAfter, d) }
}

// WithKeepAlive sets how often the registration is verified (Registrar).
func WithKeepAlive(d time.Duration) Option { return func(s *settings) { set(&s.keepAlive, d) } }

// WithWaitTime sets how long one blocking query waits (Resolver).
func WithWaitTime(d time.Duration) Option { return func(s *settings) { set(&s.waitTime, d) } }

// WithBackoff bounds the delay between retries after errors (both).
func WithBackoff(lo, hi time.Duration) Option {
	return func(s *settings) { set(&s.minBackoff, lo); set(&s.maxBackoff, hi) }
}

// backoff is the delay before retry number attempt (from 1): exponential,
// capped, with jitter in [d/2, d) so that instances which lost Consul
// together do not come back in lockstep.
func (s settings) backoff(attempt int) time.Duration {
	d := s.minBackoff
	for i := 1; i < attempt && d < s.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, s.maxBackoff)
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx ends; it reports whether the full d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// statusIs reports whether err is an HTTP answer from Consul with code.
func statusIs(err error, code int) bool {
	var se api.StatusError
	return errors.As(err, &se) && se.Code == code
}

// permanent reports whether retrying err cannot help: Consul rejected the
// request itself (4xx), as opposed to being unreachable or failing (5xx).
func permanent(err error) bool {
	var se api.StatusError
	return errors.As(err, &se) && se.Code >= http.StatusBadRequest && se.Code < http.StatusInternalServerError
}

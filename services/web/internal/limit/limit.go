// Package limit is a per-key token bucket: each user may act at a steady rate
// with bursts, and learns how long to wait when refused.
package limit

import (
	"math"
	"sync"
	"time"
)

// sweepEvery is how many calls pass between sweeps of idle buckets; a sweep
// costs one pass over the map, so this keeps its cost per call constant.
const sweepEvery = 4096

// Limiter holds one bucket per key. Buckets that have refilled completely
// hold no information and are dropped, so memory follows the active keys.
type Limiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[int64]*bucket
	calls   int
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// New returns a Limiter allowing rate events per second with bursts of
// burst. A rate ≤ 0 disables limiting. A nil clock means time.Now.
func New(rate float64, burst int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{rate: rate, burst: math.Max(1, float64(burst)), now: now, buckets: map[int64]*bucket{}}
}

// Allow takes one token from key's bucket. When none is left it reports how
// long until one will be.
func (l *Limiter) Allow(key int64) (ok bool, retryAfter time.Duration) {
	if l.rate <= 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.calls%sweepEvery == 0 {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, max(wait, time.Millisecond)
}

// Len is the number of buckets held, for tests and metrics.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

func (l *Limiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(l.burst, b.tokens+d.Seconds()*l.rate)
	}
	b.at = now
}

// sweep drops full buckets: a fresh one would behave the same.
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if l.refill(b, now); b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
}

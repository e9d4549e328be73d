package limit

import (
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }

func TestAllow(t *testing.T) {
	type step struct {
		advance time.Duration
		key     int64
		ok      bool
		retry   time.Duration // checked when !ok
	}
	for _, tc := range []struct {
		name  string
		rate  float64
		burst int
		steps []step
	}{
		{"burst then refuse", 5, 2, []step{
			{0, 1, true, 0}, {0, 1, true, 0}, {0, 1, false, 200 * time.Millisecond},
		}},
		{"refill at rate", 5, 2, []step{
			{0, 1, true, 0}, {0, 1, true, 0}, {100 * time.Millisecond, 1, false, 100 * time.Millisecond},
			{100 * time.Millisecond, 1, true, 0}, {0, 1, false, 200 * time.Millisecond},
		}},
		{"keys are independent", 1, 1, []step{
			{0, 1, true, 0}, {0, 2, true, 0}, {0, 1, false, time.Second}, {0, 2, false, time.Second},
		}},
		{"refill caps at burst", 10, 2, []step{
			{0, 1, true, 0}, {time.Hour, 1, true, 0}, {0, 1, true, 0}, {0, 1, false, 100 * time.Millisecond},
		}},
		{"clock stepping back gives nothing", 1, 1, []step{
			{0, 1, true, 0}, {-time.Hour, 1, false, time.Second},
		}},
		{"zero rate is unlimited", 0, 1, []step{
			{0, 1, true, 0}, {0, 1, true, 0}, {0, 1, true, 0},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{t: time.Unix(1000, 0)}
			l := New(tc.rate, tc.burst, c.now)
			for i, s := range tc.steps {
				c.add(s.advance)
				ok, retry := l.Allow(s.key)
				if ok != s.ok {
					t.Fatalf("step %d: ok = %v, want %v", i, ok, s.ok)
				}
				if !ok && (retry < s.retry-time.Millisecond || retry > s.retry+time.Millisecond) {
					t.Fatalf("step %d: retry after %v, want %v", i, retry, s.retry)
				}
			}
		})
	}
}

func TestSweepDropsIdleBuckets(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	l := New(1, 1, c.now)
	for k := range int64(sweepEvery - 1) {
		l.Allow(k + 1)
	}
	if l.Len() != sweepEvery-1 {
		t.Fatalf("Len = %d, want %d", l.Len(), sweepEvery-1)
	}
	c.add(time.Minute) // every bucket refills
	l.Allow(-1)        // this call sweeps
	if l.Len() != 1 {
		t.Fatalf("after sweep Len = %d, want 1 (only the bucket just used)", l.Len())
	}
}

package table

import "sync/atomic"

// clock hands out versions: microseconds since the Unix epoch, never behind
// the wall clock and never behind a version handed out before.
//
// Why no change is skipped: a change takes its version with next while its
// stripe's lock is held, and stores the entry before unlocking. A read takes
// its version with read before it locks any stripe. So a change whose
// version is at most the read's was stamped before the read began, under a
// lock the read must then wait for: the read sees it. A change stamped later
// gets a greater version and is answered to the next read with that since.
// Writes evaluate entries at a time loaded under the stripe's lock, so at or
// after every read that already looked at that stripe: an entry a read showed
// as lapsed is never quietly revived by a write that thinks it is still live.
type clock struct{ last atomic.Int64 }

// read returns a version for a read at wall time now (µs) and records it, so
// every later change is stamped after it.
func (c *clock) read(now int64) int64 {
	for {
		l := c.last.Load()
		if now <= l {
			return l
		}
		if c.last.CompareAndSwap(l, now) {
			return now
		}
	}
}

// next returns a fresh version for a change at wall time now (µs).
func (c *clock) next(now int64) int64 {
	for {
		l := c.last.Load()
		v := max(now, l+1)
		if c.last.CompareAndSwap(l, v) {
			return v
		}
	}
}

// at is the instant a write evaluates an entry: now, or later if a read or a
// change has already been stamped past it. The caller holds the entry's
// stripe lock.
func (c *clock) at(now int64) int64 { return max(now, c.last.Load()) }

// baseVersion is the version of a user the table holds no entry for: when the
// table began answering for users it may not know (start, an ownership
// change), or when it last dropped offline entries to bound memory. A caller
// asking "since" an earlier version learns such users are offline.
type baseVersion struct{ v atomic.Int64 }

func (b *baseVersion) load() int64 { return b.v.Load() }

// raise moves the base to v unless it is already later.
func (b *baseVersion) raise(v int64) {
	for {
		cur := b.v.Load()
		if v <= cur || b.v.CompareAndSwap(cur, v) {
			return
		}
	}
}

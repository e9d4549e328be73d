package table

import "slices"

// Stats counts a table's entries as of a sweep.
type Stats struct {
	// Online counts entries that have not lapsed (active or idle).
	Online int
	// Offline counts lapsed entries kept for "last seen".
	Offline int
	// Dropped counts the offline entries this sweep removed.
	Dropped int
}

// Sweep bounds memory: when more than MaxOffline entries have lapsed, it
// drops the longest-lapsed ones down to nine tenths of the cap (the slack
// keeps sweeps from sorting every time). Reads never need it: they compute
// lapses themselves. It locks one stripe at a time, briefly.
func (t *Table) Sweep() Stats {
	at := t.clock.at(t.now().UnixMicro())
	var st Stats
	for i := range t.stripes {
		on, off := t.count(&t.stripes[i], at)
		st.Online += on
		st.Offline += off
	}
	if st.Offline <= t.cfg.MaxOffline {
		return st
	}
	// Find the lapse time below which the excess lies, then drop up to
	// that many entries lapsed no later than it.
	excess := st.Offline - t.cfg.MaxOffline*9/10
	lapsed := make([]uint32, 0, st.Offline)
	for i := range t.stripes {
		lapsed = t.collect(&t.stripes[i], at, lapsed)
	}
	// Entries reported again since the count no longer count.
	excess = min(excess, len(lapsed))
	if excess == 0 {
		return st
	}
	slices.Sort(lapsed)
	cutoff := lapsed[excess-1]
	// Raised before anything goes, so no read sees an entry gone without
	// the base that tells pollers since an earlier version it is offline.
	t.base.raise(int64(cutoff) * micro)
	for i := range t.stripes {
		if st.Dropped >= excess {
			break
		}
		st.Dropped += t.drop(&t.stripes[i], at, cutoff, excess-st.Dropped)
	}
	st.Offline -= st.Dropped
	return st
}

func (t *Table) count(s *stripe, at int64) (online, offline int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, k := range s.ix.keys {
		if k == 0 {
			continue
		}
		if int64(s.ix.vals[i].expires)*micro <= at {
			offline++
		} else {
			online++
		}
	}
	return online, offline
}

func (t *Table) collect(s *stripe, at int64, out []uint32) []uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, k := range s.ix.keys {
		if e := s.ix.vals[i]; k != 0 && int64(e.expires)*micro <= at {
			out = append(out, e.expires)
		}
	}
	return out
}

// drop deletes up to n entries of s that lapsed no later than cutoff.
func (t *Table) drop(s *stripe, at int64, cutoff uint32, n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	dropped := 0
	for i := 0; i < len(s.ix.keys) && dropped < n; {
		e := s.ix.vals[i]
		if s.ix.keys[i] != 0 && e.expires <= cutoff && int64(e.expires)*micro <= at {
			// remove may pull a later entry into slot i: look at i again.
			s.ix.remove(i)
			dropped++
			continue
		}
		i++
	}
	return dropped
}

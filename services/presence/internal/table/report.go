package table

import "time"

// Report marks each entry's user online, as reported by reporter, which
// reports every interval. The report is validated whole first: on error
// nothing is applied. It returns the number of entries taken.
//
// A user may be reported by a reporter this instance would not call the
// owner: soft state from a caller with a newer (or older) view is harmless,
// lapses on its own, and readers ask the owner their own view names.
func (t *Table) Report(reporter string, interval time.Duration, entries []Entry) (int, error) {
	if err := checkReport(interval, entries); err != nil {
		return 0, err
	}
	rid, err := t.reporters.intern(reporter)
	if err != nil {
		return 0, err
	}
	now := t.now().UnixMicro()
	// The lapse is rounded up to whole seconds: never earlier than promised.
	window := int64((time.Duration(t.cfg.ExpireAfter)*interval + time.Second - 1) / time.Second)
	for _, in := range entries {
		h := hash(in.User)
		s := t.stripeOf(h)
		s.mu.Lock()
		t.apply(s, in, h, rid, now, window)
		s.mu.Unlock()
	}
	return len(entries), nil
}

// apply stores one report; s.mu is held. The entry changes version only when
// its state changes: a refresh keeps the version, so pollers are not told
// about it.
func (t *Table) apply(s *stripe, in Entry, h uint64, rid uint16, now, window int64) {
	at := t.clock.at(now)
	sec := at / micro
	active := sec - int64(in.Idle/time.Second)
	oldState, oldVersion := Offline, t.base.load()
	i, ok := s.ix.claim(in.User, h)
	if ok {
		old := s.ix.vals[i].unpack(t.epoch)
		oldState, oldVersion = old.at(at, t.idleAfter)
		// While the user is online, two reporters (during an ownership move)
		// may disagree; the latest input either saw wins, so state does not
		// flap between their views.
		if oldState != Offline {
			active = max(active, int64(old.active))
		}
	}
	state := Active
	if at >= active*micro+t.idleAfter {
		state = Idle
	}
	f := fields{version: oldVersion, expires: uint32(sec + window), active: uint32(active), reporter: rid, state: state}
	if state != oldState {
		f.version = t.clock.next(now)
	}
	s.ix.vals[i] = pack(f, t.epoch)
}

// Reporter returns the id of the instance that last reported user.
func (t *Table) Reporter(user int64) (string, bool) {
	f, ok := t.load(user)
	if !ok {
		return "", false
	}
	return t.reporters.name(f.reporter), true
}

// Rebase declares that this table may now be asked about users it has never
// heard of (its owner view changed): a caller asking since an earlier version
// is told such users are offline, in case they were online on their former
// owner.
func (t *Table) Rebase() {
	t.base.raise(t.clock.next(t.now().UnixMicro()))
}

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
		s := t.stripeOf(in.User)
		s.mu.Lock()
		t.apply(s, in, rid, now, window)
		s.mu.Unlock()
	}
	return len(entries), nil
}

// apply stores one report; s.mu is held. The entry changes version only when
// its state changes: a refresh keeps the version, so pollers are not told
// about it.
func (t *Table) apply(s *stripe, in Entry, rid uint16, now, window int64) {
	at := t.clock.at(now)
	sec := at / micro
	active := sec - int64(in.Idle/time.Second)
	oldState, oldVersion := Offline, t.base.load()
	old, ok := s.m[in.User]
	if ok {
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
	e := entry{version: oldVersion, expires: uint32(sec + window), active: uint32(active), reporter: rid, state: state}
	if state != oldState {
		e.version = t.clock.next(now)
	}
	s.m[in.User] = e
}

// Reporter returns the id of the instance that last reported user.
func (t *Table) Reporter(user int64) (string, bool) {
	s := t.stripeOf(user)
	s.mu.Lock()
	e, ok := s.m[user]
	s.mu.Unlock()
	if !ok {
		return "", false
	}
	return t.reporters.name(e.reporter), true
}

// Rebase declares that this table may now be asked about users it has never
// heard of (its owner view changed): a caller asking since an earlier version
// is told such users are offline, in case they were online on their former
// owner.
func (t *Table) Rebase() {
	t.base.raise(t.clock.next(t.now().UnixMicro()))
}

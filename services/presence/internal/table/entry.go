package table

import "time"

// entry is one user's stored state: 24 bytes, so a map slot with its key is
// 32. Times are whole seconds since the Unix epoch in uint32 (good to 2106):
// presence needs no finer grain, and the derived transitions are exact
// microsecond versions computed from them.
type entry struct {
	// version is when state began (µs since the epoch).
	version int64
	// expires is when the entry lapses to offline unless reported again.
	expires uint32
	// active is the user's last input: "last seen" once offline.
	active uint32
	// reporter is the interned id of the instance that reported it last.
	reporter uint16
	// state is the state as of the last write. Active means the idle
	// transition at active+IdleAfter is still to come.
	state State
}

const micro = int64(time.Second / time.Microsecond)

// at evaluates e at instant t (µs): the state then, and the version at which
// that state began. A lapse happens at expires and an idle transition at
// active+idleAfter; both lie after the write that stored e, so they are
// changes of their own with those instants as versions.
func (e *entry) at(t, idleAfter int64) (State, int64) {
	if exp := int64(e.expires) * micro; t >= exp {
		return Offline, max(e.version, exp)
	}
	if e.state == Active {
		if idle := int64(e.active)*micro + idleAfter; t >= idle {
			return Idle, max(e.version, idle)
		}
	}
	return e.state, e.version
}

// presence renders e for user at instant t.
func (e *entry) presence(user, t, idleAfter int64) Presence {
	s, v := e.at(t, idleAfter)
	p := Presence{User: user, State: s, Version: v}
	if e.active > 0 {
		p.LastActive = time.Unix(int64(e.active), 0)
	}
	return p
}

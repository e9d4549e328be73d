package table

import "time"

// entry is one user's stored state in 16 bytes, so an index slot with its
// key is 24. Times are whole seconds since the Unix epoch in uint32 (good to
// 2106): presence needs no finer grain, and the derived transitions are exact
// microsecond versions computed from them. The version is kept as 48 bits of
// microseconds since the table's epoch (8.9 years of uptime).
type entry struct {
	// expires is when the entry lapses to offline unless reported again.
	expires uint32
	// active is the user's last input: "last seen" once offline.
	active uint32
	// vlo and vhi are when the stored state began, µs after the epoch.
	vlo uint32
	vhi uint16
	// meta packs the state as of the last write (top two bits) and the
	// interned reporter (the rest). A stored Active means the idle
	// transition at active+IdleAfter is still to come.
	meta uint16
}

const (
	micro        = int64(time.Second / time.Microsecond)
	reporterBits = 14
	reporterMask = 1<<reporterBits - 1
)

// fields is an entry unpacked.
type fields struct {
	version  int64 // µs since the Unix epoch
	expires  uint32
	active   uint32
	state    State
	reporter uint16
}

func pack(f fields, epoch int64) entry {
	v := uint64(f.version - epoch)
	return entry{expires: f.expires, active: f.active, vlo: uint32(v), vhi: uint16(v >> 32),
		meta: uint16(f.state)<<reporterBits | f.reporter&reporterMask}
}

func (e entry) unpack(epoch int64) fields {
	return fields{
		version:  epoch + (int64(e.vhi)<<32 | int64(e.vlo)),
		expires:  e.expires,
		active:   e.active,
		state:    State(e.meta >> reporterBits),
		reporter: e.meta & reporterMask,
	}
}

// at evaluates f at instant t (µs): the state then, and the version at which
// that state began. A lapse happens at expires and an idle transition at
// active+idleAfter; both lie after the write that stored f, so they are
// changes of their own with those instants as versions.
func (f *fields) at(t, idleAfter int64) (State, int64) {
	if exp := int64(f.expires) * micro; t >= exp {
		return Offline, max(f.version, exp)
	}
	if f.state == Active {
		if idle := int64(f.active)*micro + idleAfter; t >= idle {
			return Idle, max(f.version, idle)
		}
	}
	return f.state, f.version
}

// presence renders f for user at instant t.
func (f *fields) presence(user, t, idleAfter int64) Presence {
	s, v := f.at(t, idleAfter)
	p := Presence{User: user, State: s, Version: v}
	if f.active > 0 {
		p.LastActive = time.Unix(int64(f.active), 0)
	}
	return p
}

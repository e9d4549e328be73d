package table

// Get appends the presence of each user to out, in order, and returns it. A
// user the table holds no entry for is offline, never seen.
func (t *Table) Get(users []int64, out []Presence) []Presence {
	v := t.clock.read(t.now().UnixMicro())
	for _, u := range users {
		out = append(out, t.lookup(u, v))
	}
	return out
}

// Changed appends to out the users whose state changed after since, and
// returns the version to pass as since next time. since 0 answers every user.
func (t *Table) Changed(users []int64, since int64, out []Presence) (int64, []Presence) {
	v := t.clock.read(t.now().UnixMicro())
	for _, u := range users {
		if p := t.lookup(u, v); p.Version > since {
			out = append(out, p)
		}
	}
	return v, out
}

// lookup evaluates one user at version v. The base of a missing user is
// loaded after the miss: the sweeper raises it before it deletes, so a read
// that finds an entry gone also finds the base that covers its going.
func (t *Table) lookup(user, v int64) Presence {
	f, ok := t.load(user)
	if !ok {
		return Presence{User: user, State: Offline, Version: t.base.load()}
	}
	return f.presence(user, v, t.idleAfter)
}

package table

import (
	"slices"
	"testing"
	"time"
)

func TestSweepBoundsOffline(t *testing.T) {
	c := newClock()
	tab := newTable(t, c, func(cfg *Config) { cfg.MaxOffline = 10 })
	// Users 1..30 go offline one second apart, user 1 first; 31..35 stay on.
	for u := int64(1); u <= 30; u++ {
		report(t, tab, "chan-a", Entry{User: u})
		c.Advance(time.Second)
	}
	c.Advance(15 * time.Second)
	report(t, tab, "chan-a", Entry{User: 31}, Entry{User: 32}, Entry{User: 33}, Entry{User: 34}, Entry{User: 35})
	before, _ := tab.Changed(nil, 0, nil)

	st := tab.Sweep()
	if st.Online != 5 || st.Offline != 9 || st.Dropped != 21 {
		t.Fatalf("Sweep = %+v; want 5 online, 9 offline (nine tenths of the cap of 10), 21 dropped", st)
	}
	var kept []int64
	for u := int64(1); u <= 35; u++ {
		if _, ok := tab.Reporter(u); ok {
			kept = append(kept, u)
		}
	}
	want := []int64{22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35}
	if !slices.Equal(kept, want) {
		t.Fatalf("kept %v; want the latest to go offline and every online user: %v", kept, want)
	}
	if p := get(tab, 22); p.State != Offline || !p.LastActive.Equal(t0.Add(21*time.Second)) {
		t.Errorf("kept user 22: %v, last seen %v; want offline, last seen t0+21s", p.State, p.LastActive)
	}
	// A poller that last asked before user 1 lapsed must learn that dropped
	// users are offline; one that asked after the sweep's cutoff hears nothing.
	_, got := tab.Changed([]int64{1, 21, 22}, us(t0), nil)
	if !slices.Equal(ids(got), []int64{1, 21, 22}) {
		t.Errorf("since t0: changed %v; want the dropped 1 and 21 and the lapsed 22", ids(got))
	}
	if _, got := tab.Changed([]int64{1, 21}, before, nil); len(got) != 0 {
		t.Errorf("since a version after their lapse: changed %v; want none", ids(got))
	}
	if st := tab.Sweep(); st.Dropped != 0 || st.Offline != 9 {
		t.Errorf("second Sweep = %+v; want nothing more dropped", st)
	}
}

func TestSweepKeepsWhatFits(t *testing.T) {
	c := newClock()
	tab := newTable(t, c, func(cfg *Config) { cfg.MaxOffline = 100 })
	for u := int64(1); u <= 50; u++ {
		report(t, tab, "chan-a", Entry{User: u})
	}
	c.Advance(time.Minute)
	if st := tab.Sweep(); st != (Stats{Offline: 50}) {
		t.Fatalf("Sweep = %+v; want 50 offline, none dropped", st)
	}
}

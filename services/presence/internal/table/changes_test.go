package table

import (
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

// users returns the changed users' ids, sorted.
func ids(ps []Presence) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.User
	}
	slices.Sort(out)
	return out
}

func TestChangedSince(t *testing.T) {
	c := newClock()
	tab := newTable(t, c)
	all := []int64{1, 2, 3, 4}
	report(t, tab, "chan-a", Entry{User: 1}, Entry{User: 2}, Entry{User: 3, Idle: 200 * time.Second})

	v0, got := tab.Changed(all, 0, nil)
	if want := []int64{1, 2, 3, 4}; !slices.Equal(ids(got), want) {
		t.Fatalf("since 0: changed %v; want every user %v", ids(got), want)
	}
	c.Advance(5 * time.Second)
	report(t, tab, "chan-a", Entry{User: 1}, Entry{User: 2}, Entry{User: 3, Idle: 205 * time.Second})
	v1, got := tab.Changed(all, v0, nil)
	if len(got) != 0 {
		t.Fatalf("after a refresh that changed no state: changed %v; want none", ids(got))
	}
	if v1 <= v0 {
		t.Fatalf("version went from %d to %d with the clock moving on; want it to grow", v0, v1)
	}

	c.Advance(5 * time.Second)
	report(t, tab, "chan-a", Entry{User: 1}, Entry{User: 4}) // 2 and 3 stop being reported
	v2, got := tab.Changed(all, v1, nil)
	if want := []int64{4}; !slices.Equal(ids(got), want) || got[0].State != Active {
		t.Fatalf("after user 4 came online: changed %v; want %v, active", got, want)
	}

	// Users 2 and 3 lapse 15 s after their last report (t0+5s): a change at
	// t0+20s, seen by the first read after it.
	c.Advance(9 * time.Second)
	report(t, tab, "chan-a", Entry{User: 1}, Entry{User: 4})
	if v3, got := tab.Changed(all, v2, nil); len(got) != 0 {
		t.Fatalf("before the lapse: changed %v; want none", ids(got))
	} else {
		v2 = v3
	}
	c.Advance(2 * time.Second)
	_, got = tab.Changed(all, v2, nil)
	if want := []int64{2, 3}; !slices.Equal(ids(got), want) {
		t.Fatalf("after the lapse: changed %v; want %v", ids(got), want)
	}
	for _, p := range got {
		if p.State != Offline || p.Version != us(t0.Add(20*time.Second)) {
			t.Errorf("user %d: %v at %d; want offline at the lapse instant %d", p.User, p.State, p.Version, us(t0.Add(20*time.Second)))
		}
	}
}

func TestVersionsStrictlyIncrease(t *testing.T) {
	c := newClock() // frozen: every change happens in the same microsecond
	tab := newTable(t, c)
	seen := map[int64]bool{}
	last := int64(0)
	for u := int64(1); u <= 100; u++ {
		report(t, tab, "chan-a", Entry{User: u})
		p := get(tab, u)
		if p.Version <= last || seen[p.Version] {
			t.Fatalf("user %d's change got version %d after %d; want strictly increasing", u, p.Version, last)
		}
		seen[p.Version], last = true, p.Version
	}
	if v, _ := tab.Changed(nil, 0, nil); v < last {
		t.Fatalf("a read after the changes answered version %d < last change %d", v, last)
	}
}

// TestPollerMissesNothing runs writers and a change-only poller at once. The
// poller folds every answer into what it believes; once the writers stop, one
// last poll must leave it believing exactly what a full read says. A change
// stamped at or before a version but not shown to the read that answered
// that version would be lost for good, and this would catch it.
func TestPollerMissesNothing(t *testing.T) {
	c := newClock()
	tab := newTable(t, c, func(cfg *Config) { cfg.IdleAfter = 3 * time.Second })
	const nUsers = 64
	all := make([]int64, nUsers)
	for i := range all {
		all[i] = int64(i + 1)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				batch := make([]Entry, 1+rng.IntN(8))
				for i := range batch {
					batch[i] = Entry{User: all[rng.IntN(nUsers)], Idle: time.Duration(rng.IntN(6)) * time.Second}
				}
				if _, err := tab.Report("chan-a", MinInterval, batch); err != nil {
					t.Error(err)
					return
				}
				c.Advance(time.Duration(rng.IntN(300)) * time.Millisecond)
			}
		})
	}
	belief := map[int64]State{}
	since := int64(0)
	for range 2000 {
		var got []Presence
		since, got = tab.Changed(all, since, nil)
		for _, p := range got {
			belief[p.User] = p.State
		}
	}
	close(stop)
	wg.Wait()
	c.Advance(time.Duration(rand.IntN(2000)) * time.Millisecond)
	_, got := tab.Changed(all, since, nil)
	for _, p := range got {
		belief[p.User] = p.State
	}
	truth := map[int64]State{}
	for _, p := range tab.Get(all, nil) {
		truth[p.User] = p.State
	}
	if !maps.Equal(belief, truth) {
		for u, s := range truth {
			if belief[u] != s {
				t.Errorf("user %d: the poller believes %v; a full read says %v", u, belief[u], s)
			}
		}
	}
}

func TestRebase(t *testing.T) {
	c := newClock()
	tab := newTable(t, c)
	report(t, tab, "chan-a", Entry{User: 1})
	v, _ := tab.Changed([]int64{1, 2}, 0, nil)
	if _, got := tab.Changed([]int64{1, 2}, v, nil); len(got) != 0 {
		t.Fatalf("nothing happened, yet changed %v", ids(got))
	}
	// Ownership changed: user 2, never heard of here, may have been online
	// on its former owner. A poller since v must learn it is offline here.
	tab.Rebase()
	_, got := tab.Changed([]int64{1, 2}, v, nil)
	if len(got) != 1 || got[0].User != 2 || got[0].State != Offline || !got[0].LastActive.IsZero() {
		t.Fatalf("after Rebase: changed %+v; want user 2 offline, never seen", got)
	}
	if got[0].Version <= v {
		t.Fatalf("rebase version %d not after the poller's %d", got[0].Version, v)
	}
}

// TestReportAfterLapsedRead pins the case where the logical clock runs ahead
// of the wall clock (many changes in one microsecond): a read there shows a
// lapse the wall clock has not reached, and a report that follows must
// treat the entry as lapsed too, so the poller hears it come back.
func TestReportAfterLapsedRead(t *testing.T) {
	c := newClock()
	tab := newTable(t, c)
	report(t, tab, "chan-a", Entry{User: 1}) // lapses at t0+15s
	c.Advance(15*time.Second - 50*time.Microsecond)
	for u := int64(100); u < 200; u++ { // 100 changes in one wall microsecond
		report(t, tab, "chan-a", Entry{User: u})
	}
	v, got := tab.Changed([]int64{1}, us(t0), nil)
	if len(got) != 1 || got[0].State != Offline {
		t.Fatalf("read at version t0+%dµs: %+v; want user 1 lapsed (the clock ran past t0+15s)", v-us(t0), got)
	}
	report(t, tab, "chan-a", Entry{User: 1})
	if _, got := tab.Changed([]int64{1}, v, nil); len(got) != 1 || got[0].State != Active {
		t.Fatalf("after user 1 was reported again: changed %+v; want it active again", got)
	}
}

package presenceclient_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/presence/internal/upkeep"
	pc "github.com/thriftchat/thriftchat/services/presence/presenceclient"
)

// TestMultiShardMerge reports through the client to three real shards, then
// reads back in the order asked: each shard holds only its own users.
func TestMultiShardMerge(t *testing.T) {
	ss, res := shards(t, 3)
	c := newClient(t, res)
	ctx := context.Background()
	users := userIDs(3000)
	if err := c.Report(ctx, "chan-1", interval, entries(users)); err != nil {
		t.Fatal(err)
	}
	v := res.View()
	for _, s := range ss {
		held := 0
		for _, u := range users {
			_, ok := s.Table.Reporter(u)
			if owned := ownerOf(v, u) == s.Addr(); ok != owned {
				t.Fatalf("shard %s holds user %d: %v; owns it: %v", s.Addr(), u, ok, owned)
			}
			if ok {
				held++
			}
		}
		if held < 800 {
			t.Errorf("shard %s holds %d of 3000 users; want about a third", s.Addr(), held)
		}
	}
	asked := append([]int64{5001}, users...) // one never reported, first
	slices.Reverse(asked)
	got, err := c.Get(ctx, asked)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range got {
		want := pc.Offline
		if p.User != 5001 {
			want = wantState(p.User)
		}
		if p.User != asked[i] || p.State != want {
			t.Fatalf("Get[%d] = user %d %v; want user %d %v", i, p.User, p.State, asked[i], want)
		}
		if want != pc.Offline && (p.LastActive.IsZero() || time.Since(p.LastActive) > 2*time.Hour) {
			t.Fatalf("user %d last active %v", p.User, p.LastActive)
		}
	}

	version, changed, err := c.Changes(ctx, users, 0)
	if err != nil || len(changed) != len(users) {
		t.Fatalf("Changes since 0: %d changed, %v; want all %d", len(changed), err, len(users))
	}
	if err := c.Report(ctx, "chan-1", interval, entries(users)); err != nil {
		t.Fatal(err)
	}
	v2, changed, err := c.Changes(ctx, users, version)
	if err != nil || len(changed) != 0 {
		t.Fatalf("Changes after a refresh that changed nothing: %v, %v; want none", changed, err)
	}
	// User 3 was idle; input makes it active: one change, on one shard.
	if err := c.Report(ctx, "chan-1", interval, []pc.Entry{{User: 3}}); err != nil {
		t.Fatal(err)
	}
	_, changed, err = c.Changes(ctx, users, v2)
	if err != nil || len(changed) != 1 || changed[0].User != 3 || changed[0].State != pc.Active {
		t.Fatalf("Changes after user 3 woke: %+v, %v; want user 3 active only", changed, err)
	}
}

// TestChangesTakesTheLeastVersion: shard B's clock runs an hour ahead of A's.
// Merging with the greatest version would make the poller skip A's next
// change; the least version keeps it.
func TestChangesTakesTheLeastVersion(t *testing.T) {
	start := time.Now().Truncate(time.Second)
	ca, cb := &fakeClock{now: start}, &fakeClock{now: start.Add(time.Hour)}
	a, b := shardWithClock(t, ca), shardWithClock(t, cb)
	res := discovery.NewStatic(a.Instance(), b.Instance())
	c := newClient(t, res)
	ctx := context.Background()
	var onA, onB int64
	for u := int64(1); onA == 0 || onB == 0; u++ {
		if ownerOf(res.View(), u) == a.Addr() {
			onA = u
		} else {
			onB = u
		}
	}
	ca.Advance(time.Second)
	cb.Advance(time.Second)
	version, changed, err := c.Changes(ctx, []int64{onA, onB}, 0)
	if err != nil || len(changed) != 2 {
		t.Fatalf("Changes since 0: %v, %v", changed, err)
	}
	if version >= start.Add(time.Hour).UnixMicro() {
		t.Fatalf("merged version is B's (%d), ahead of A's clock", version)
	}
	ca.Advance(time.Second)
	if err := c.Report(ctx, "chan-1", interval, []pc.Entry{{User: onA}}); err != nil {
		t.Fatal(err)
	}
	_, changed, err = c.Changes(ctx, []int64{onA, onB}, version)
	if err != nil {
		t.Fatal(err)
	}
	// B, ahead, repeats what it said (the price of the rule); A's change
	// must be there.
	heard := false
	for _, p := range changed {
		switch {
		case p.User == onA && p.State == pc.Active:
			heard = true
		case p.User == onB && p.State == pc.Offline:
		default:
			t.Errorf("unexpected change %+v", p)
		}
	}
	if !heard {
		t.Fatalf("after user %d came online on A: %+v; the poller missed it", onA, changed)
	}
}

// TestOwnerLostAndRefilled: a shard leaves the view. Its users read offline on
// their new owners until the next report round, which makes them readable
// again; a poller learns of both steps.
func TestOwnerLostAndRefilled(t *testing.T) {
	ss, res := shards(t, 3)
	for _, s := range ss { // each shard follows the view, as main runs it
		f := upkeep.NewFollower(res, s.Table, zerolog.Nop())
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- f.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	c := newClient(t, res)
	ctx := context.Background()
	users := userIDs(600)
	if err := c.Report(ctx, "chan-1", interval, entries(users)); err != nil {
		t.Fatal(err)
	}
	since, _, err := c.Changes(ctx, users, 0)
	if err != nil {
		t.Fatal(err)
	}
	lost := ss[2]
	var moved []int64
	for _, u := range users {
		if ownerOf(res.View(), u) == lost.Addr() {
			moved = append(moved, u)
		}
	}
	res.Set(ss[0].Instance(), ss[1].Instance())
	if err := lost.Stop(); err != nil {
		t.Fatal(err)
	}

	got, _ := c.Get(ctx, moved)
	for _, p := range got {
		if p.State != pc.Offline {
			t.Fatalf("user %d, moved to a new owner before any report: %v; want offline", p.User, p.State)
		}
	}
	// The shards rebase on their own goroutines: wait (with a deadline)
	// until a poller since before the move hears the moved users go offline.
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, changed, err := c.Changes(ctx, moved, since)
		if err == nil && len(changed) == len(moved) && changed[0].State == pc.Offline {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("poller since before the move hears %d of %d moved users", len(changed), len(moved))
		}
		time.Sleep(5 * time.Millisecond) // polling a condition, not synchronizing
	}
	since, _, _ = c.Changes(ctx, users, since)

	if err := c.Report(ctx, "chan-1", interval, entries(users)); err != nil {
		t.Fatalf("report round after the move: %v", err)
	}
	got, _ = c.Get(ctx, users)
	for _, p := range got {
		if p.State != wantState(p.User) {
			t.Fatalf("after the report round: user %d %v; want %v", p.User, p.State, wantState(p.User))
		}
	}
	_, changed, err := c.Changes(ctx, users, since)
	if err != nil || len(changed) != len(moved) {
		t.Fatalf("poller after the refill: %d changed, %v; want the %d moved users", len(changed), err, len(moved))
	}
}

// TestDeadShardIsUnknown: one shard refuses connections and one accepts but
// never answers. Their users come back Unknown within the deadline; the
// live shard's users are answered; no error.
func TestDeadShardIsUnknown(t *testing.T) {
	ss, _ := shards(t, 2)
	dead, live := ss[0], ss[1]
	stuck := hung(t)
	res := discovery.NewStatic(dead.Instance(), live.Instance(), discovery.Instance{ID: stuck, Addr: stuck})
	const timeout = 200 * time.Millisecond
	var mu syncErrs
	c := newClient(t, res, pc.WithTimeout(timeout), pc.WithReportTimeout(timeout), pc.WithShardErrors(mu.add))
	ctx := context.Background()
	users := userIDs(300)
	if err := c.Report(ctx, "chan-1", interval, entries(users)); err == nil {
		t.Fatal("Report with a hung shard: nil error")
	}
	if err := dead.Stop(); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	got, err := c.Get(ctx, users)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("Get with dead shards: %v; want no error", err)
	}
	if took > timeout+time.Second {
		t.Fatalf("Get took %v with a %v deadline", took, timeout)
	}
	v := res.View()
	for _, p := range got {
		want := pc.Unknown
		if ownerOf(v, p.User) == live.Addr() {
			want = wantState(p.User)
		}
		if p.State != want {
			t.Fatalf("user %d (owner %s): %v; want %v", p.User, ownerOf(v, p.User), p.State, want)
		}
	}
	if n := mu.count(); n < 2 {
		t.Errorf("%d shard errors reported; want one from each failed shard", n)
	}

	version, changed, err := c.Changes(ctx, users, 12345)
	if err != nil {
		t.Fatal(err)
	}
	if version > 12345 {
		t.Errorf("Changes with failed shards moved the version past since: %d", version)
	}
	unknown := 0
	for _, p := range changed {
		if p.State == pc.Unknown {
			unknown++
			if ownerOf(v, p.User) == live.Addr() {
				t.Errorf("live shard's user %d came back unknown", p.User)
			}
		}
	}
	if want := len(users) - countOwned(v, users, live.Addr()); unknown != want {
		t.Errorf("Changes: %d users unknown; want the failed shards' %d", unknown, want)
	}
}

func countOwned(v *discovery.View, users []int64, addr string) int {
	n := 0
	for _, u := range users {
		if ownerOf(v, u) == addr {
			n++
		}
	}
	return n
}

func TestReportErrors(t *testing.T) {
	ss, res := shards(t, 2)
	c := newClient(t, res)
	ctx := context.Background()
	bad := []struct {
		name     string
		reporter string
		interval time.Duration
		entries  []pc.Entry
	}{
		{"empty reporter", "", interval, entries(userIDs(3))},
		{"long reporter", strings.Repeat("r", 129), interval, entries(userIDs(3))},
		{"interval too short", "chan-1", time.Millisecond, entries(userIDs(3))},
		{"negative idle", "chan-1", interval, []pc.Entry{{User: 1}, {User: 2, Idle: -time.Second}}},
		{"zero user", "chan-1", interval, []pc.Entry{{User: 0}}},
	}
	for _, tt := range bad {
		if err := c.Report(ctx, tt.reporter, tt.interval, tt.entries); !errors.Is(err, pc.ErrInvalid) {
			t.Errorf("%s: %v; want ErrInvalid", tt.name, err)
		}
	}
	for _, s := range ss {
		if _, ok := s.Table.Reporter(1); ok {
			t.Fatal("a refused report reached a shard")
		}
	}
	if _, err := c.Get(ctx, []int64{1, -1}); !errors.Is(err, pc.ErrInvalid) {
		t.Errorf("Get of a negative id: %v; want ErrInvalid", err)
	}
	if _, _, err := c.Changes(ctx, []int64{1}, -1); !errors.Is(err, pc.ErrInvalid) {
		t.Errorf("Changes since -1: %v; want ErrInvalid", err)
	}

	// One shard down: its share fails, named in the error; the other's lands.
	down := ss[0]
	if err := down.Stop(); err != nil {
		t.Fatal(err)
	}
	users := userIDs(200)
	err := c.Report(ctx, "chan-1", interval, entries(users))
	if !errors.Is(err, pc.ErrUnavailable) || !strings.Contains(err.Error(), down.Addr()) {
		t.Fatalf("Report with a shard down: %v; want ErrUnavailable naming %s", err, down.Addr())
	}
	for _, u := range users {
		if _, ok := ss[1].Table.Reporter(u); ok != (ownerOf(res.View(), u) == ss[1].Addr()) {
			t.Fatalf("user %d: held by the live shard = %v", u, ok)
		}
	}
}

func TestEmptyView(t *testing.T) {
	c := newClient(t, discovery.NewStatic())
	ctx := context.Background()
	if err := c.Report(ctx, "chan-1", interval, entries(userIDs(2))); !errors.Is(err, pc.ErrUnavailable) {
		t.Errorf("Report to no shard: %v; want ErrUnavailable", err)
	}
	got, err := c.Get(ctx, []int64{1, 2})
	if err != nil || len(got) != 2 || got[0].State != pc.Unknown || got[1].User != 2 {
		t.Errorf("Get from no shard: %+v, %v; want both unknown", got, err)
	}
	v, changed, err := c.Changes(ctx, []int64{1, 2}, 77)
	if err != nil || v != 77 || len(changed) != 2 || changed[0].State != pc.Unknown {
		t.Errorf("Changes from no shard: %d, %+v, %v; want since kept and both unknown", v, changed, err)
	}
	if err := c.Report(ctx, "chan-1", interval, nil); err != nil {
		t.Errorf("empty Report: %v", err)
	}
	if v, changed, err := c.Changes(ctx, nil, 5); v != 5 || changed != nil || err != nil {
		t.Errorf("Changes of nobody = %d, %v, %v; want 5, nil, nil", v, changed, err)
	}
}

// TestLargeCalls: one shard takes more than a frame's worth of report and
// more than MaxGet users in one read: the client splits both.
func TestLargeCalls(t *testing.T) {
	ss, res := shards(t, 1)
	c := newClient(t, res, pc.WithTimeout(30*time.Second), pc.WithReportTimeout(30*time.Second)) // the race detector is slow
	ctx := context.Background()
	users := userIDs(120_000)
	if err := c.Report(ctx, "chan-1", interval, entries(users)); err != nil {
		t.Fatalf("Report of 120,000 entries to one shard: %v", err)
	}
	if st := ss[0].Table.Sweep(); st.Online != len(users) {
		t.Fatalf("shard holds %d online; want %d", st.Online, len(users))
	}
	got, err := c.Get(ctx, users[:25_000])
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range got {
		if p.User != users[i] || p.State != wantState(p.User) {
			t.Fatalf("Get[%d] = %+v; want user %d %v", i, p, users[i], wantState(users[i]))
		}
	}
}

func TestClosed(t *testing.T) {
	_, res := shards(t, 1)
	c := pc.New(res)
	c.Close()
	if err := c.Report(context.Background(), "chan-1", interval, entries(userIDs(1))); !errors.Is(err, pc.ErrUnavailable) {
		t.Errorf("Report after Close: %v; want ErrUnavailable", err)
	}
	if got, err := c.Get(context.Background(), []int64{1}); err != nil || got[0].State != pc.Unknown {
		t.Errorf("Get after Close: %+v, %v; want unknown", got, err)
	}
}

package presenceclient_test

import (
	"context"
	"slices"
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

package presenceclient_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
	pc "github.com/thriftchat/thriftchat/services/presence/presenceclient"
)

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

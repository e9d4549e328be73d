package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeClock ticks one second per reading so versions are predictable.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// impls runs the contract against both stores, so the fake cannot drift
// from the real thing.
func impls(t *testing.T) map[string]func(Clock) Store {
	return map[string]func(Clock) Store{
		"memory": func(c Clock) Store { return NewMemory(c) },
		"bolt": func(c Clock) Store {
			b, err := OpenBolt(t.TempDir(), c)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.Close() })
			return b
		},
	}
}

func seed(t *testing.T, s Store, ids ...int64) {
	t.Helper()
	for _, id := range ids {
		if err := s.PutUser(context.Background(), User{ID: id, Name: "u" + string(rune('a'+id))}); err != nil {
			t.Fatal(err)
		}
	}
}

func friends(t *testing.T, s Store, user int64) FriendList {
	t.Helper()
	fl, err := s.Friends(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	return fl
}

func TestContract(t *testing.T) {
	for name, open := range impls(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("users", func(t *testing.T) { testUsers(t, open(nil)) })
			t.Run("friendship", func(t *testing.T) { testFriendship(t, open((&fakeClock{t: time.Unix(1000, 0)}).now)) })
			t.Run("set", func(t *testing.T) { testSet(t, open(nil)) })
			t.Run("invalid", func(t *testing.T) { testInvalid(t, open(nil)) })
			t.Run("rename", func(t *testing.T) { testRename(t, open(nil)) })
		})
	}
}

func testUsers(t *testing.T, s Store) {
	ctx := context.Background()
	seed(t, s, 1, 2)
	if err := s.PutUser(ctx, User{ID: 2, Name: "bobby"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Users(ctx, []int64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]User{1: {1, "ub"}, 2: {2, "bobby"}}
	if len(got) != len(want) || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("Users = %v, want %v", got, want)
	}
}

func testFriendship(t *testing.T, s Store) {
	ctx := context.Background()
	seed(t, s, 1, 2, 3)
	if err := s.AddFriend(ctx, 1, 2); err != nil {
		t.Fatal(err)
	}
	v1 := friends(t, s, 1)
	if !slices.Equal(v1.IDs, []int64{2}) || !slices.Equal(friends(t, s, 2).IDs, []int64{1}) {
		t.Fatalf("after add: 1 has %v, 2 has %v", v1.IDs, friends(t, s, 2).IDs)
	}
	if v1.Version == 0 || v1.Version != friends(t, s, 2).Version {
		t.Fatalf("both sides share the change's version: %d vs %d", v1.Version, friends(t, s, 2).Version)
	}
	if friends(t, s, 3).Version != 0 {
		t.Fatal("an untouched user's version moved")
	}
	// Adding again changes nothing, not even the version.
	if err := s.AddFriend(ctx, 2, 1); err != nil || friends(t, s, 1).Version != v1.Version {
		t.Fatalf("re-add: err %v, version %d → %d", err, v1.Version, friends(t, s, 1).Version)
	}
	for _, pair := range [][2]int64{{1, 2}, {2, 1}} {
		if ok, err := s.AreFriends(ctx, pair[0], pair[1]); err != nil || !ok {
			t.Fatalf("AreFriends%v = %v, %v", pair, ok, err)
		}
	}
	if ok, _ := s.AreFriends(ctx, 1, 3); ok {
		t.Fatal("1 and 3 are not friends")
	}
	if err := s.AddFriend(ctx, 1, 9); !errors.Is(err, ErrNotFound) {
		t.Fatalf("befriend unknown user: %v, want ErrNotFound", err)
	}
	if err := s.RemoveFriend(ctx, 2, 1); err != nil {
		t.Fatal(err)
	}
	after := friends(t, s, 1)
	if len(after.IDs) != 0 || after.Version <= v1.Version {
		t.Fatalf("after remove: %v version %d (was %d)", after.IDs, after.Version, v1.Version)
	}
	if ok, _ := s.AreFriends(ctx, 2, 1); ok {
		t.Fatal("still friends after remove")
	}
	if err := s.RemoveFriend(ctx, 1, 3); err != nil || friends(t, s, 1).Version != after.Version {
		t.Fatal("removing a non-friendship must be a silent no-op")
	}
}

func testSet(t *testing.T, s Store) {
	ctx := context.Background()
	seed(t, s, 1, 2, 3, 4)
	if err := s.SetFriends(ctx, 1, []int64{3, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if got := friends(t, s, 1).IDs; !slices.Equal(got, []int64{2, 3}) {
		t.Fatalf("friends of 1 = %v, want [2 3] (deduplicated, sorted)", got)
	}
	v3 := friends(t, s, 3).Version
	if err := s.SetFriends(ctx, 1, []int64{2, 4}); err != nil {
		t.Fatal(err)
	}
	if got := friends(t, s, 1).IDs; !slices.Equal(got, []int64{2, 4}) {
		t.Fatalf("friends of 1 = %v, want [2 4]", got)
	}
	if got := friends(t, s, 3); len(got.IDs) != 0 || got.Version <= v3 {
		t.Fatalf("dropped friend 3 still lists %v (version %d, was %d)", got.IDs, got.Version, v3)
	}
	if got := friends(t, s, 4).IDs; !slices.Equal(got, []int64{1}) {
		t.Fatalf("new friend 4 lists %v, want [1]", got)
	}
	if err := s.SetFriends(ctx, 1, []int64{2, 99}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown friend: %v, want ErrNotFound", err)
	}
	if got := friends(t, s, 1).IDs; !slices.Equal(got, []int64{2, 4}) {
		t.Fatalf("a failed set changed the list to %v", got)
	}
	if err := s.SetFriends(ctx, 1, nil); err != nil || len(friends(t, s, 2).IDs) != 0 {
		t.Fatalf("clearing the list: err %v, 2 still lists %v", err, friends(t, s, 2).IDs)
	}
}

func testInvalid(t *testing.T, s Store) {
	ctx := context.Background()
	seed(t, s, 1)
	tooMany := make([]int64, MaxFriends+1)
	for i := range tooMany {
		tooMany[i] = int64(i + 2)
	}
	for name, err := range map[string]error{
		"put zero id":    s.PutUser(ctx, User{ID: 0, Name: "x"}),
		"self friend":    s.AddFriend(ctx, 1, 1),
		"negative":       s.AddFriend(ctx, -1, 1),
		"remove self":    s.RemoveFriend(ctx, 1, 1),
		"set self":       s.SetFriends(ctx, 1, []int64{1}),
		"set too many":   s.SetFriends(ctx, 1, tooMany),
		"set negative":   s.SetFriends(ctx, 1, []int64{-3}),
		"set of zero id": s.SetFriends(ctx, 0, nil),
	} {
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

func testRename(t *testing.T, s Store) {
	ctx := context.Background()
	seed(t, s, 1, 2, 3)
	if err := s.AddFriend(ctx, 1, 2); err != nil {
		t.Fatal(err)
	}
	v2, v3 := friends(t, s, 2).Version, friends(t, s, 3).Version
	if err := s.PutUser(ctx, User{ID: 1, Name: "ub"}); err != nil || friends(t, s, 2).Version != v2 {
		t.Fatal("putting the same name must not bump friends' versions")
	}
	if err := s.PutUser(ctx, User{ID: 1, Name: "alice"}); err != nil {
		t.Fatal(err)
	}
	if friends(t, s, 2).Version <= v2 {
		t.Fatal("a rename must bump each friend's version: their buddy lists show the name")
	}
	if friends(t, s, 3).Version != v3 {
		t.Fatal("a rename bumped a non-friend")
	}
}

func TestBoltPersists(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	b, err := OpenBolt(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	seed(t, b, 1, 2)
	if err := b.AddFriend(ctx, 1, 2); err != nil {
		t.Fatal(err)
	}
	v := friends(t, b, 1).Version
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopen with a clock far in the past: versions must still increase.
	b, err = OpenBolt(dir, func() time.Time { return time.Unix(1, 0) })
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := friends(t, b, 2); !slices.Equal(got.IDs, []int64{1}) || got.Version != v {
		t.Fatalf("after reopen: %v version %d, want [1] version %d", got.IDs, got.Version, v)
	}
	if err := b.RemoveFriend(ctx, 1, 2); err != nil {
		t.Fatal(err)
	}
	if got := friends(t, b, 1).Version; got <= v {
		t.Fatalf("version went from %d to %d after a clock step back", v, got)
	}
}

func TestBoltLockedByAnotherOpener(t *testing.T) {
	dir := t.TempDir()
	b, err := OpenBolt(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b2, err := OpenBolt(dir, nil); err == nil {
		b2.Close()
		t.Fatal("a second open of the same file must fail, not share it")
	}
}

func TestDiff(t *testing.T) {
	for _, tc := range []struct {
		old, want, added, removed []int64
	}{
		{nil, nil, nil, nil},
		{nil, []int64{1, 2}, []int64{1, 2}, nil},
		{[]int64{1, 2}, nil, nil, []int64{1, 2}},
		{[]int64{1, 3, 5}, []int64{2, 3, 6}, []int64{2, 6}, []int64{1, 5}},
		{[]int64{1, 2}, []int64{1, 2}, nil, nil},
	} {
		a, r := diff(tc.old, tc.want)
		if !slices.Equal(a, tc.added) || !slices.Equal(r, tc.removed) {
			t.Errorf("diff(%v, %v) = %v, %v; want %v, %v", tc.old, tc.want, a, r, tc.added, tc.removed)
		}
	}
}

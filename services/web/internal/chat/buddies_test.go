package chat_test

import (
	"errors"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
	"github.com/thriftchat/thriftchat/services/web/internal/chattest"
	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

func TestBuddies(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	base := e.Clock.Now().UnixMicro() + 1_000_000 // presence changes after the seed
	e.Presence.Set(2, presenceclient.Active, base)
	e.Presence.Set(3, presenceclient.Idle, base+1)

	full, err := e.Service.Buddies(ctx, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !full.Full || full.Version != base+1 || len(full.Buddies) != 5 {
		t.Fatalf("first read: full=%v version=%d buddies=%d; want full, %d, 5", full.Full, full.Version, len(full.Buddies), base+1)
	}
	states := map[int64]presenceclient.State{}
	for _, b := range full.Buddies {
		states[b.ID] = b.State
		if b.Name == "" {
			t.Fatalf("buddy %d has no name", b.ID)
		}
	}
	if states[2] != presenceclient.Active || states[3] != presenceclient.Idle || states[4] != presenceclient.Offline {
		t.Fatalf("states %v", states)
	}

	same, _ := e.Service.Buddies(ctx, 1, full.Version)
	if same.Full || len(same.Buddies) != 0 || same.Version != full.Version {
		t.Fatalf("nothing changed: %+v; want no buddies, same version", same)
	}

	e.Presence.Set(4, presenceclient.Active, base+2)
	delta, _ := e.Service.Buddies(ctx, 1, full.Version)
	if delta.Full || len(delta.Buddies) != 1 || delta.Buddies[0].ID != 4 || delta.Buddies[0].Name != "dave" || delta.Version != base+2 {
		t.Fatalf("one change: %+v; want only dave at %d", delta, base+2)
	}

	// A friend-list change answers the whole list, even without presence news.
	e.Clock.Add(10 * time.Second)
	if err := e.Service.RemoveFriend(ctx, 1, 6); err != nil {
		t.Fatal(err)
	}
	after, _ := e.Service.Buddies(ctx, 1, delta.Version)
	if !after.Full || len(after.Buddies) != 4 || after.Version <= delta.Version {
		t.Fatalf("after unfriending: full=%v buddies=%d version=%d; want full list of 4, version past %d",
			after.Full, len(after.Buddies), after.Version, delta.Version)
	}
	again, _ := e.Service.Buddies(ctx, 1, after.Version)
	if again.Full || len(again.Buddies) != 0 {
		t.Fatalf("the full answer's version must settle: %+v", again)
	}
}

func TestBuddiesRename(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	first, _ := e.Service.Buddies(ctx, 1, 0)
	e.Clock.Add(time.Second)
	if err := e.Service.PutUser(ctx, store.User{ID: 2, Name: "robert"}); err != nil {
		t.Fatal(err)
	}
	got, _ := e.Service.Buddies(ctx, 1, first.Version)
	if !got.Full {
		t.Fatal("a friend's rename must answer the full list (names changed)")
	}
	for _, b := range got.Buddies {
		if b.ID == 2 && b.Name != "robert" {
			t.Fatalf("buddy 2 is %q, want robert", b.Name)
		}
	}
}

func TestBuddiesPresenceDown(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	e.Presence.Fail(errors.New("presence down"))
	got, err := e.Service.Buddies(ctx, 1, 12345)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Full || got.Version != 0 || len(got.Buddies) != 5 {
		t.Fatalf("presence down: %+v; want the full list, version 0", got)
	}
	for _, b := range got.Buddies {
		if b.State != presenceclient.Unknown {
			t.Fatalf("buddy %d is %v with presence down, want unknown", b.ID, b.State)
		}
	}
}

func TestBuddiesNoFriends(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	e.Service.PutUser(ctx, store.User{ID: 9, Name: "loner"})
	got, err := e.Service.Buddies(ctx, 9, 0)
	if err != nil || !got.Full || len(got.Buddies) != 0 || got.Buddies == nil {
		t.Fatalf("no friends: %+v, %v; want a full, empty (non-nil) list", got, err)
	}
	if e.Presence.Calls() != 0 {
		t.Fatal("no friends, no presence call")
	}
}

func TestBuddiesShardDown(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	v := e.Clock.Now().UnixMicro() + 10
	e.Presence.Set(2, presenceclient.Active, v)
	before, _ := e.Service.Buddies(ctx, 1, 0)
	e.Presence.Down(3)
	for _, since := range []int64{0, before.Version} {
		got, err := e.Service.Buddies(ctx, 1, since)
		if err != nil {
			t.Fatal(err)
		}
		unknown := false
		for _, b := range got.Buddies {
			unknown = unknown || (b.ID == 3 && b.State == presenceclient.Unknown)
		}
		if !unknown || got.Version != 0 {
			t.Fatalf("since %d with carol's shard down: %+v; want carol unknown and version 0 (full next time)", since, got)
		}
	}
}

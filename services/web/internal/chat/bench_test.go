package chat_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
	"github.com/thriftchat/thriftchat/services/web/internal/chat"
	"github.com/thriftchat/thriftchat/services/web/internal/chattest"
	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

// BenchmarkSend is the domain's own cost per send: validation, friend
// check, rate limit, payload encoding (the tiers are in-memory fakes).
func BenchmarkSend(b *testing.B) {
	e := chattest.NewEnv(b, func(c *chat.Config) { c.SendRate = 0 })
	text := "a typical chat line, about sixty bytes long, <b>with</b> markup"
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := e.Service.Send(ctx, 1, 2, text, fmt.Sprint("c", i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuddies reads the buddy list of a user with 5,000 friends
// (the maximum): a full answer, and a change-only answer with one change.
func BenchmarkBuddies(b *testing.B) {
	e := chattest.NewEnv(b, nil)
	friends := make([]int64, store.MaxFriends)
	for i := range friends {
		friends[i] = int64(100 + i)
		e.Store.PutUser(ctx, store.User{ID: friends[i], Name: fmt.Sprint("user", i)})
	}
	if err := e.Service.SetFriends(ctx, 1, friends); err != nil {
		b.Fatal(err)
	}
	e.Clock.Add(time.Second) // presence changes after the list's last change
	v := e.Clock.Now().UnixMicro()
	e.Presence.Set(100, presenceclient.Active, v)
	b.Run("full", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if l, _ := e.Service.Buddies(ctx, 1, 0); len(l.Buddies) != store.MaxFriends {
				b.Fatal(len(l.Buddies))
			}
		}
	})
	b.Run("changes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if l, _ := e.Service.Buddies(ctx, 1, v-1); l.Full || len(l.Buddies) != 1 {
				b.Fatal(l.Full, len(l.Buddies))
			}
		}
	})
}

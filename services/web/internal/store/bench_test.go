package store

import (
	"context"
	"testing"
)

// BenchmarkBolt measures the embedded store's reads on the send path
// (AreFriends) and the buddy-list path (Friends of a 5,000-friend user).
func BenchmarkBolt(b *testing.B) {
	ctx := context.Background()
	s, err := OpenBolt(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	friends := make([]int64, MaxFriends)
	for i := range friends {
		friends[i] = int64(i + 2)
		s.PutUser(ctx, User{ID: friends[i], Name: "u"})
	}
	s.PutUser(ctx, User{ID: 1, Name: "me"})
	if err := s.SetFriends(ctx, 1, friends); err != nil {
		b.Fatal(err)
	}
	b.Run("AreFriends", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ok, _ := s.AreFriends(ctx, 1, 2500); !ok {
				b.Fatal("not friends")
			}
		}
	})
	b.Run("Friends5000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if fl, _ := s.Friends(ctx, 1); len(fl.IDs) != MaxFriends {
				b.Fatal(len(fl.IDs))
			}
		}
	})
	b.Run("AddRemoveFriend", func(b *testing.B) {
		for b.Loop() {
			s.RemoveFriend(ctx, 1, 2)
			s.AddFriend(ctx, 1, 2)
		}
	})
}

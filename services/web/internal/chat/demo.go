package chat

import (
	"context"
	"fmt"

	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

// DemoUsers are the users -dev mode seeds, all friends with each other.
var DemoUsers = []store.User{
	{ID: 1, Name: "alice"}, {ID: 2, Name: "bob"}, {ID: 3, Name: "carol"},
	{ID: 4, Name: "dave"}, {ID: 5, Name: "erin"}, {ID: 6, Name: "frank"},
}

// SeedDemo creates the demo users and befriends them all. It is idempotent:
// an unchanged seed leaves list versions alone.
func (s *Service) SeedDemo(ctx context.Context) error {
	for _, u := range DemoUsers {
		if err := s.store.PutUser(ctx, u); err != nil {
			return fmt.Errorf("seed demo user %d: %w", u.ID, err)
		}
	}
	for _, u := range DemoUsers {
		var friends []int64
		for _, f := range DemoUsers {
			if f.ID != u.ID {
				friends = append(friends, f.ID)
			}
		}
		// SetFriends would drop friendships a developer added by hand; adding
		// each pair keeps them.
		for _, f := range friends {
			if err := s.store.AddFriend(ctx, u.ID, f); err != nil {
				return fmt.Errorf("seed demo friends of %d: %w", u.ID, err)
			}
		}
	}
	return nil
}

// IsDemoUser reports whether id is one of DemoUsers.
func IsDemoUser(id int64) bool {
	for _, u := range DemoUsers {
		if u.ID == id {
			return true
		}
	}
	return false
}

// Package store keeps the web tier's own state: users and their symmetric
// friendships. Memory serves unit tests; Bolt is the embedded default. Both
// pass the same contract tests.
package store

import (
	"context"
	"errors"
	"time"
)

// MaxFriends bounds one user's friend list.
const MaxFriends = 5000

// Errors callers branch on; the wrapped message says more.
var (
	// ErrNotFound: a named user does not exist.
	ErrNotFound = errors.New("user not found")
	// ErrInvalid: the request is malformed (a bad id, a friend of oneself,
	// too many friends).
	ErrInvalid = errors.New("invalid request")
)

// User is a chat user as the host application named it.
type User struct {
	ID   int64
	Name string
}

// FriendList is a user's friends with the version of that list.
type FriendList struct {
	// IDs are the friends, ascending.
	IDs []int64
	// Version is when the list last changed, in microseconds since the Unix
	// epoch (the scale presence versions use), so a buddy list can tell
	// whether its caller's version predates the change. 0 if it never did.
	Version int64
}

// Store holds users and friendships. Friendships are symmetric: every
// change applies to both users and bumps both users' list versions.
type Store interface {
	// PutUser creates or renames a user. A rename bumps the friend-list
	// version of each friend, whose buddy lists show the name.
	PutUser(ctx context.Context, u User) error
	// Users returns the users that exist among ids, keyed by id.
	Users(ctx context.Context, ids []int64) (map[int64]User, error)
	// AddFriend befriends a and b; both must exist (ErrNotFound).
	AddFriend(ctx context.Context, a, b int64) error
	// RemoveFriend ends the friendship of a and b, if any.
	RemoveFriend(ctx context.Context, a, b int64) error
	// SetFriends makes friends exactly user's friend list; everyone named
	// must exist (ErrNotFound), and at most MaxFriends (ErrInvalid).
	SetFriends(ctx context.Context, user int64, friends []int64) error
	// Friends returns user's friend list; an unknown user has none.
	Friends(ctx context.Context, user int64) (FriendList, error)
	// AreFriends reports whether a and b are friends.
	AreFriends(ctx context.Context, a, b int64) (bool, error)
	// Close releases the store.
	Close() error
}

// Clock is the time source for list versions; tests inject their own.
type Clock func() time.Time

// versioner hands out strictly increasing list versions from a clock, so two
// changes within one microsecond (or a clock stepping back) still differ.
type versioner struct {
	now  Clock
	last int64
}

// next returns a version above both the clock and every earlier version;
// callers hold the store's write lock.
func (v *versioner) next() int64 {
	t := v.now().UnixMicro()
	if t <= v.last {
		t = v.last + 1
	}
	v.last = t
	return t
}

package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bucket names. Friendships are stored both ways as the 16-byte key
// user|friend, so one prefix scan lists a user's friends.
var (
	bucketUsers    = []byte("users")    // id → name
	bucketFriends  = []byte("friends")  // id|friend → nothing
	bucketVersions = []byte("versions") // id → friend-list version
	bucketMeta     = []byte("meta")     // keyLastVersion → highest version given
	keyLastVersion = []byte("last_version")
)

// Bolt is the embedded Store: one bbolt file, safe for one process at a time.
type Bolt struct {
	db  *bolt.DB
	ver versioner // used only inside write transactions, which bbolt serializes
}

// OpenBolt opens (creating if needed) the store in dir/web.db. A nil clock
// means time.Now.
func OpenBolt(dir string, now Clock) (*Bolt, error) {
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	path := filepath.Join(dir, "web.db")
	// The timeout turns a second process on the same file into an error
	// instead of a hang.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	b := &Bolt{db: db, ver: versioner{now: now}}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketUsers, bucketFriends, bucketVersions, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		// Versions stay increasing across restarts even if the clock stepped back.
		b.ver.last = decode(tx.Bucket(bucketMeta).Get(keyLastVersion))
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return b, nil
}

// PutUser implements Store.
func (b *Bolt) PutUser(_ context.Context, u User) error {
	if u.ID <= 0 {
		return fmt.Errorf("put user %d: %w", u.ID, ErrInvalid)
	}
	err := b.db.Update(func(tx *bolt.Tx) error {
		users := tx.Bucket(bucketUsers)
		old := users.Get(encode(u.ID))
		renamed := old != nil && string(old) != u.Name
		if err := users.Put(encode(u.ID), []byte(u.Name)); err != nil {
			return err
		}
		if !renamed {
			return nil
		}
		return b.bump(tx, friendsOf(tx, u.ID)...)
	})
	if err != nil {
		return fmt.Errorf("put user %d: %w", u.ID, err)
	}
	return nil
}

// Users implements Store.
func (b *Bolt) Users(_ context.Context, ids []int64) (map[int64]User, error) {
	out := make(map[int64]User, len(ids))
	err := b.db.View(func(tx *bolt.Tx) error {
		users := tx.Bucket(bucketUsers)
		for _, id := range ids {
			if name := users.Get(encode(id)); name != nil {
				out[id] = User{ID: id, Name: string(name)}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get users: %w", err)
	}
	return out, nil
}

// AddFriend implements Store.
func (b *Bolt) AddFriend(_ context.Context, a, c int64) error {
	if err := checkPair(a, c); err != nil {
		return err
	}
	err := b.db.Update(func(tx *bolt.Tx) error {
		if err := exist(tx, a, c); err != nil {
			return err
		}
		if tx.Bucket(bucketFriends).Get(pair(a, c)) != nil {
			return nil
		}
		if err := link(tx, a, c, true); err != nil {
			return err
		}
		return b.bump(tx, a, c)
	})
	if err != nil {
		return fmt.Errorf("add friend %d-%d: %w", a, c, err)
	}
	return nil
}

// RemoveFriend implements Store.
func (b *Bolt) RemoveFriend(_ context.Context, a, c int64) error {
	if err := checkPair(a, c); err != nil {
		return err
	}
	err := b.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketFriends).Get(pair(a, c)) == nil {
			return nil
		}
		if err := link(tx, a, c, false); err != nil {
			return err
		}
		return b.bump(tx, a, c)
	})
	if err != nil {
		return fmt.Errorf("remove friend %d-%d: %w", a, c, err)
	}
	return nil
}

// SetFriends implements Store.
func (b *Bolt) SetFriends(_ context.Context, user int64, friends []int64) error {
	want, err := checkList(user, friends)
	if err != nil {
		return err
	}
	err = b.db.Update(func(tx *bolt.Tx) error {
		if err := exist(tx, append(want, user)...); err != nil {
			return err
		}
		added, removed := diff(friendsOf(tx, user), want)
		if len(added) == 0 && len(removed) == 0 {
			return nil
		}
		for _, f := range removed {
			if err := link(tx, user, f, false); err != nil {
				return err
			}
		}
		for _, f := range added {
			if err := link(tx, user, f, true); err != nil {
				return err
			}
		}
		return b.bump(tx, append(append(added, removed...), user)...)
	})
	if err != nil {
		return fmt.Errorf("set friends of %d: %w", user, err)
	}
	return nil
}

// Friends implements Store.
func (b *Bolt) Friends(_ context.Context, user int64) (FriendList, error) {
	var fl FriendList
	err := b.db.View(func(tx *bolt.Tx) error {
		fl.IDs = friendsOf(tx, user)
		fl.Version = decode(tx.Bucket(bucketVersions).Get(encode(user)))
		return nil
	})
	if err != nil {
		return FriendList{}, fmt.Errorf("friends of %d: %w", user, err)
	}
	return fl, nil
}

// AreFriends implements Store.
func (b *Bolt) AreFriends(_ context.Context, a, c int64) (bool, error) {
	var ok bool
	err := b.db.View(func(tx *bolt.Tx) error {
		ok = tx.Bucket(bucketFriends).Get(pair(a, c)) != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("friends %d-%d: %w", a, c, err)
	}
	return ok, nil
}

// Close implements Store.
func (b *Bolt) Close() error { return b.db.Close() }

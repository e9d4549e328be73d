package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// bump gives users one new list version, within the write transaction tx.
func (b *Bolt) bump(tx *bolt.Tx, users ...int64) error {
	v := b.ver.next()
	versions := tx.Bucket(bucketVersions)
	for _, u := range users {
		if err := versions.Put(encode(u), encode(v)); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(keyLastVersion, encode(v))
}

func friendsOf(tx *bolt.Tx, user int64) []int64 {
	var out []int64
	prefix := encode(user)
	c := tx.Bucket(bucketFriends).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, int64(binary.BigEndian.Uint64(k[8:])))
	}
	return out
}

func link(tx *bolt.Tx, a, c int64, on bool) error {
	friends := tx.Bucket(bucketFriends)
	for _, k := range [][]byte{pair(a, c), pair(c, a)} {
		var err error
		if on {
			err = friends.Put(k, []byte{1}) // non-empty: Get tells presence by nil
		} else {
			err = friends.Delete(k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func exist(tx *bolt.Tx, ids ...int64) error {
	users := tx.Bucket(bucketUsers)
	for _, id := range ids {
		if users.Get(encode(id)) == nil {
			return fmt.Errorf("user %d: %w", id, ErrNotFound)
		}
	}
	return nil
}

// encode is big-endian so keys sort by id (positive ids only).
func encode(id int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(id)) }

func pair(a, b int64) []byte { return binary.BigEndian.AppendUint64(encode(a), uint64(b)) }

func decode(v []byte) int64 {
	if len(v) != 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(v))
}

package pebblestore

import (
	"encoding/binary"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// The key layout (keys.go) has a version, stored under layoutKey, so a data
// directory written with another layout is converted or refused, never
// misread.
//
//	1  the user's messages by time: two t keys per message. Written before
//	   the version was stored, so a store with messages and no version is 1.
//	2  activity keys instead: two per conversation and minute.
const layout = 2

var layoutKey = []byte("\x00layout")

// migrateBatch bounds the keys one migration batch writes, so converting a
// large store does not build one huge batch in memory.
const migrateBatch = 10_000

// checkLayout brings db to the current layout: it stamps a new store,
// converts layout 1 and refuses anything else.
func checkLayout(db *pebble.DB) error {
	v, err := get(db, layoutKey)
	if err != nil {
		return fmt.Errorf("read the layout version: %w", err)
	}
	switch {
	case v == nil:
		old, err := hasKeys(db, []byte{tagMsg})
		if err != nil {
			return err
		}
		if old {
			return migrateFrom1(db)
		}
		return db.Set(layoutKey, put64(nil, layout), pebble.Sync)
	case len(v) == 8 && int64(binary.BigEndian.Uint64(v)) == layout:
		return nil
	case len(v) == 8:
		return fmt.Errorf("the data has key layout %d and this chatlog reads layout %d: run the release that wrote it, or start on an empty data directory", binary.BigEndian.Uint64(v), layout)
	default:
		return fmt.Errorf("layout version %x: %w", v, errCorrupt)
	}
}

// hasKeys reports whether any key starts with prefix.
func hasKeys(db *pebble.DB, prefix []byte) (bool, error) {
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: upper(prefix)})
	if err != nil {
		return false, err
	}
	found := it.First()
	return found, closeIter(it)
}

// tagTimeV1 tagged layout 1's time index: t user at conv 0 seq.
const tagTimeV1 = 't'

// migrateFrom1 writes an activity key for every layout-1 time key, then
// deletes the time keys and stamps layout 2 in the last batch, synced
// (which syncs the batches before it too). Activity keys are idempotent, so
// a migration cut short by a crash simply runs again.
func migrateFrom1(db *pebble.DB) error {
	prefix := []byte{tagTimeV1}
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: upper(prefix)})
	if err != nil {
		return err
	}
	b := db.NewBatch()
	defer func() { b.Close() }()
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) < 1+8+8+1+8 || k[len(k)-9] != 0 {
			it.Close()
			return fmt.Errorf("layout 1 time key %q: %w", k, errCorrupt)
		}
		user, at := int64(binary.BigEndian.Uint64(k[1:9])), int64(binary.BigEndian.Uint64(k[9:17]))
		b.Set(activityKey(user, at/activityMs, string(k[17:len(k)-9])), nil, nil)
		if b.Count() < migrateBatch {
			continue
		}
		if err := b.Commit(pebble.NoSync); err != nil {
			it.Close()
			return fmt.Errorf("migrate to layout %d: %w", layout, err)
		}
		b.Close()
		b = db.NewBatch()
	}
	if err := closeIter(it); err != nil {
		return err
	}
	b.DeleteRange(prefix, upper(prefix), nil)
	b.Set(layoutKey, put64(nil, layout), nil)
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("migrate to layout %d: %w", layout, err)
	}
	return nil
}

// closeIter closes it, returning its error if it had one.
func closeIter(it *pebble.Iterator) error {
	err := it.Error()
	if cerr := it.Close(); err == nil {
		err = cerr
	}
	return err
}

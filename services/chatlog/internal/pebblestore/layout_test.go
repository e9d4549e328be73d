package pebblestore

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

// TestMigrateFromLayout1 writes a store the way layout 1 did (time keys, no
// version) and opens it: Since finds the old messages through activity
// keys, the time keys are gone and layout 2 is stamped.
func TestMigrateFromLayout1(t *testing.T) {
	dir, ctx := t.TempDir(), context.Background()
	db, err := pebble.Open(dir, &pebble.Options{Logger: logger{zerolog.Nop()}})
	if err != nil {
		t.Fatal(err)
	}
	conv := convlog.Direct(1, 2)
	t0 := time.UnixMilli(1_700_000_000_000)
	for seq := int64(1); seq <= 3; seq++ {
		at := t0.Add(time.Duration(seq) * time.Minute) // one a minute: three activity keys each
		m := convlog.Message{ID: convlog.NewID(at), Conv: conv.ID, Seq: seq, Sender: 1, Recipient: 2,
			Text: fmt.Sprint("old ", seq), SentAt: at, ClientMsgID: fmt.Sprint("c", seq)}
		set(t, db, msgKey(conv.ID, seq), encodeMessage(m, seq))
		set(t, db, dedupeKey(conv.ID, 1, m.ClientMsgID), put64(nil, seq))
		for _, u := range []int64{1, 2} {
			set(t, db, timeKeyV1(u, at.UnixMilli(), conv.ID, seq), nil)
		}
	}
	set(t, db, partKey(1, conv.ID), nil)
	set(t, db, partKey(2, conv.ID), nil)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s := open(t, Options{Dir: dir})
	for _, u := range []int64{1, 2} {
		p, err := s.Since(ctx, u, t0.Add(90*time.Second), 10)
		if err != nil || strings.Join(texts(p.Messages), ",") != "old 2,old 3" {
			t.Fatalf("Since for %d after migration = %v, %v; want old 2, old 3", u, texts(p.Messages), err)
		}
	}
	if old, err := hasKeys(s.db, []byte{tagTimeV1}); err != nil || old {
		t.Fatalf("time keys left after migration: %v, %v", old, err)
	}
	if m := appendOne(t, s, 2, 1, "new"); m.Seq != 4 {
		t.Fatalf("first new message has seq %d; want 4", m.Seq)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, Options{Dir: dir}) // stamped: opens without migrating again
	defer s.Close()
	v, err := get(s.db, layoutKey)
	if err != nil || len(v) != 8 || binary.BigEndian.Uint64(v) != layout {
		t.Fatalf("layout key = %x, %v; want %d", v, err, layout)
	}
	p, err := s.Since(ctx, 1, t0, 10)
	if err != nil || len(p.Messages) != 4 {
		t.Fatalf("Since after reopen: %d messages, %v; want 4", len(p.Messages), err)
	}
}

// TestRefuseUnknownLayout: a store stamped with a layout this build does not
// know is refused with a message that says so, and left as it was.
func TestRefuseUnknownLayout(t *testing.T) {
	dir := t.TempDir()
	db, err := pebble.Open(dir, &pebble.Options{Logger: logger{zerolog.Nop()}})
	if err != nil {
		t.Fatal(err)
	}
	set(t, db, layoutKey, put64(nil, layout+1))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(Options{Dir: dir})
	if err == nil {
		s.Close()
		t.Fatal("opened a store with a newer layout")
	}
	if !strings.Contains(err.Error(), "layout 3") || !strings.Contains(err.Error(), "reads layout 2") {
		t.Fatalf("error %q does not name both layouts", err)
	}
}

func set(t *testing.T, db *pebble.DB, k, v []byte) {
	t.Helper()
	if err := db.Set(k, v, pebble.NoSync); err != nil {
		t.Fatal(err)
	}
}

// timeKeyV1 is layout 1's time key: t user at conv 0 seq.
func timeKeyV1(user, atMs int64, conv string, seq int64) []byte {
	k := append(put64(userPrefix(tagTimeV1, user), atMs), conv...)
	return put64(append(k, 0), seq)
}

func texts(ms []convlog.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return out
}

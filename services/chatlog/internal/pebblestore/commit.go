package pebblestore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

// Append implements convlog.Store.
func (s *Store) Append(ctx context.Context, drafts []convlog.Draft) ([]convlog.Message, error) {
	r := s.w.submit(ctx, &op{drafts: drafts})
	return r.msgs, r.err
}

// MarkRead implements convlog.Store.
func (s *Store) MarkRead(ctx context.Context, user int64, conv convlog.Conv, seq int64) error {
	return s.w.submit(ctx, &op{mark: &mark{user: user, conv: conv, seq: seq}}).err
}

// commit stages every op of the batch, writes what they staged in one
// Pebble batch with one fsync, then answers each caller. An op that fails
// while staging is answered at once and leaves the batch untouched.
func (w *writer) commit(ops []*op) {
	at := max(w.clock().UnixMilli(), w.lastAt) // server time never runs back
	w.lastAt = at
	s := newStage(nil)
	answers := make([]result, len(ops))
	ok := make([]bool, len(ops))
	fresh, dup := 0, 0
	for i, o := range ops {
		st := newStage(s)
		var err error
		if o.mark != nil {
			err = w.stageMark(st, o.mark)
		} else {
			var n int
			answers[i].msgs, n, err = w.stageAppend(st, o.drafts, at)
			fresh, dup = fresh+n, dup+len(o.drafts)-n
		}
		if err != nil {
			o.res <- result{err: err}
			continue
		}
		s.merge(st)
		ok[i] = true
	}
	err := w.write(s)
	if err == nil {
		if len(w.heads)+len(s.heads) > maxHeads {
			clear(w.heads)
		}
		maps.Copy(w.heads, s.heads) // committed now
		w.m.appended.WithLabelValues("new").Add(float64(fresh))
		w.m.appended.WithLabelValues("duplicate").Add(float64(dup))
	}
	for i, o := range ops {
		if ok[i] {
			answers[i].err = err
			o.res <- answers[i]
		}
	}
}

// write commits the staged sets with one fsync.
func (w *writer) write(s *stage) error {
	if len(s.sets) == 0 {
		return nil // only retries and read marks that did not move
	}
	start := time.Now()
	b := w.db.NewBatchWithSize(len(s.sets) * 128)
	defer b.Close()
	for _, kv := range s.sets {
		if err := b.Set(kv[0], kv[1], nil); err != nil {
			return fmt.Errorf("stage write: %w", err)
		}
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("commit %d writes: %w", len(s.sets), err)
	}
	w.m.commit.Observe(time.Since(start).Seconds())
	w.m.batch.Observe(float64(len(s.heads) + len(s.reads)))
	return nil
}

// getter is what reads need of a DB or a snapshot.
type getter interface {
	Get(key []byte) ([]byte, io.Closer, error)
}

// get returns a copy of key's value, or nil when it is absent.
func get(g getter, key []byte) ([]byte, error) {
	v, c, err := g.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return append([]byte{}, v...), nil
}

// readMark is a user's stored read mark: readSeq and the peer's messages up
// to it; zero when none.
func readMark(g getter, rk string) ([2]int64, error) {
	v, err := get(g, []byte(rk))
	if v == nil || err != nil {
		return [2]int64{}, err
	}
	a, b, err := unpair(v)
	return [2]int64{a, b}, err
}

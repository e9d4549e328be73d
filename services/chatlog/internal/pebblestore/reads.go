package pebblestore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

// History implements convlog.Store. One iterator gives a consistent view:
// the newest seq and the page come from the same moment.
func (s *Store) History(ctx context.Context, conv convlog.Conv, c convlog.Cursor) (p convlog.Page, err error) {
	err = s.read(func() error {
		prefix := msgPrefix(conv.ID)
		it, err := s.db.NewIterWithContext(ctx, &pebble.IterOptions{LowerBound: prefix, UpperBound: upper(prefix)})
		if err != nil {
			return err
		}
		defer it.Close()
		var last int64
		if it.Last() {
			var ok bool
			if last, ok = parseMsgSeq(it.Key()); !ok {
				return fmt.Errorf("message key %q: %w", it.Key(), errCorrupt)
			}
		}
		w := convlog.WindowOf(c, last)
		p.MoreBefore, p.MoreAfter = w.MoreBefore, w.MoreAfter
		if w.Empty() {
			return it.Error()
		}
		for ok := it.SeekGE(msgKey(conv.ID, w.Lo)); ok; ok = it.Next() {
			seq, _ := parseMsgSeq(it.Key())
			if seq > w.Hi {
				break
			}
			m, _, err := decodeMessage(conv.ID, seq, it.Value())
			if err != nil {
				return err
			}
			p.Messages = append(p.Messages, m)
		}
		return it.Error()
	})
	return p, err
}

// Recent implements convlog.Store. It reads every conversation the user
// takes part in held here (one small key each) and sorts them by activity,
// then reads the newest message and read mark of the first limit.
func (s *Store) Recent(ctx context.Context, user int64, limit int) (out []convlog.Summary, err error) {
	type entry struct {
		conv     string
		at, last int64
	}
	err = s.read(func() error {
		snap := s.db.NewSnapshot()
		defer snap.Close()
		prefix := userPrefix(tagPart, user)
		it, err := snap.NewIterWithContext(ctx, &pebble.IterOptions{LowerBound: prefix, UpperBound: upper(prefix)})
		if err != nil {
			return err
		}
		var all []entry
		for ok := it.First(); ok; ok = it.Next() {
			conv, okk := parsePartKey(it.Key())
			at, last, err := unpair(it.Value())
			if !okk || err != nil {
				it.Close()
				return fmt.Errorf("conversation entry %q: %w", it.Key(), errCorrupt)
			}
			all = append(all, entry{conv, at, last})
		}
		if err := it.Close(); err != nil {
			return err
		}
		slices.SortFunc(all, func(a, b entry) int { return cmp.Or(cmp.Compare(b.at, a.at), cmp.Compare(a.conv, b.conv)) })
		for _, e := range all[:min(limit, len(all))] {
			sum, err := summary(snap, user, e.conv, e.last)
			if err != nil {
				return err
			}
			out = append(out, sum)
		}
		return nil
	})
	return out, err
}

func summary(snap *pebble.Snapshot, user int64, id string, last int64) (convlog.Summary, error) {
	conv, err := convlog.ParseConv(id)
	if err != nil {
		return convlog.Summary{}, fmt.Errorf("conversation %q: %w", id, errCorrupt)
	}
	v, err := get(snap, msgKey(id, last))
	if err != nil || v == nil {
		return convlog.Summary{}, fmt.Errorf("newest message %s/%d: %w", id, last, cmp.Or(err, errCorrupt))
	}
	m, low, err := decodeMessage(id, last, v)
	if err != nil {
		return convlog.Summary{}, err
	}
	rm, err := readMark(snap, string(readKey(user, id)))
	if err != nil {
		return convlog.Summary{}, err
	}
	return convlog.Summary{
		Conv: id, Peer: conv.Peer(user), Last: m, ReadSeq: rm[0],
		Unread: int(peerSent(conv, user, last, low) - rm[1]),
	}, nil
}

// Since implements convlog.Store by walking the user's time index from
// just after since.
func (s *Store) Since(ctx context.Context, user int64, since time.Time, limit int) (p convlog.SincePage, err error) {
	p.Limit = limit
	err = s.read(func() error {
		snap := s.db.NewSnapshot()
		defer snap.Close()
		prefix := userPrefix(tagTime, user)
		it, err := snap.NewIterWithContext(ctx, &pebble.IterOptions{
			LowerBound: put64(prefix, since.UnixMilli()+1), UpperBound: upper(prefix),
		})
		if err != nil {
			return err
		}
		defer it.Close()
		for ok := it.First(); ok; ok = it.Next() {
			at, conv, seq, ok := parseTimeKey(it.Key())
			if !ok {
				return fmt.Errorf("time key %q: %w", it.Key(), errCorrupt)
			}
			if !p.Wants(time.UnixMilli(at)) {
				break
			}
			v, err := get(snap, msgKey(conv, seq))
			if err != nil || v == nil {
				return fmt.Errorf("message %s/%d: %w", conv, seq, cmp.Or(err, errCorrupt))
			}
			m, _, err := decodeMessage(conv, seq, v)
			if err != nil {
				return err
			}
			p.Add(m)
		}
		return it.Error()
	})
	return p, err
}

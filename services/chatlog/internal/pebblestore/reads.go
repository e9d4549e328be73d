package pebblestore

import (
	"bytes"
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

// Recent implements convlog.Store. It lists the conversations the user
// takes part in held here (one empty key each, written with a
// conversation's first message), finds each one's newest message with one
// seek, and sorts them by its time. The cost grows with the user's number
// of conversations, not messages, and appends stay cheap.
func (s *Store) Recent(ctx context.Context, user int64, limit int) (out []convlog.Summary, err error) {
	err = s.read(func() error {
		snap := s.db.NewSnapshot()
		defer snap.Close()
		convs, err := userConvs(ctx, snap, user)
		if err != nil {
			return err
		}
		lasts, err := newest(ctx, snap, convs)
		if err != nil {
			return err
		}
		slices.SortFunc(lasts, func(a, b last) int {
			return cmp.Or(b.m.SentAt.Compare(a.m.SentAt), cmp.Compare(a.m.Conv, b.m.Conv))
		})
		for _, l := range lasts[:min(limit, len(lasts))] {
			sum, err := summary(snap, user, l)
			if err != nil {
				return err
			}
			out = append(out, sum)
		}
		return nil
	})
	return out, err
}

// userConvs lists the conversations of user held here.
func userConvs(ctx context.Context, snap *pebble.Snapshot, user int64) ([]string, error) {
	prefix := userPrefix(tagPart, user)
	it, err := snap.NewIterWithContext(ctx, &pebble.IterOptions{LowerBound: prefix, UpperBound: upper(prefix)})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []string
	for ok := it.First(); ok; ok = it.Next() {
		conv, ok := parsePartKey(it.Key())
		if !ok {
			return nil, fmt.Errorf("conversation entry %q: %w", it.Key(), errCorrupt)
		}
		out = append(out, conv)
	}
	return out, it.Error()
}

// last is a conversation's newest message and the lower member's count.
type last struct {
	m   convlog.Message
	low int64
}

// newest finds the newest message of each conversation, with one iterator.
func newest(ctx context.Context, snap *pebble.Snapshot, convs []string) ([]last, error) {
	it, err := snap.NewIterWithContext(ctx, &pebble.IterOptions{LowerBound: []byte{tagMsg}, UpperBound: []byte{tagMsg + 1}})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	out := make([]last, 0, len(convs))
	for _, conv := range convs {
		prefix := msgPrefix(conv)
		if !it.SeekLT(upper(prefix)) || !bytes.HasPrefix(it.Key(), prefix) {
			return nil, fmt.Errorf("conversation %s listed without messages: %w", conv, errCorrupt)
		}
		seq, _ := parseMsgSeq(it.Key())
		m, low, err := decodeMessage(conv, seq, it.Value())
		if err != nil {
			return nil, err
		}
		out = append(out, last{m, low})
	}
	return out, it.Error()
}

func summary(snap *pebble.Snapshot, user int64, l last) (convlog.Summary, error) {
	conv, err := convlog.ParseConv(l.m.Conv)
	if err != nil {
		return convlog.Summary{}, fmt.Errorf("conversation %q: %w", l.m.Conv, errCorrupt)
	}
	rm, err := readMark(snap, string(readKey(user, conv.ID)))
	if err != nil {
		return convlog.Summary{}, err
	}
	return convlog.Summary{
		Conv: conv.ID, Peer: conv.Peer(user), Last: l.m, ReadSeq: rm[0],
		Unread: int(peerSent(conv, user, l.m.Seq, l.low) - rm[1]),
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

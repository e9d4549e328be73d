package pebblestore

import (
	"bytes"
	"cmp"
	"container/heap"
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

// Since implements convlog.Store. The user's activity keys from since's
// minute on name every conversation with a newer message; each is read
// from its first such message (see cursor.start), and the conversations
// are merged oldest first.
func (s *Store) Since(ctx context.Context, user int64, since time.Time, limit int) (p convlog.SincePage, err error) {
	p.Limit = limit
	err = s.read(func() error {
		snap := s.db.NewSnapshot()
		defer snap.Close()
		from := since.UnixMilli() + 1
		convs, err := activeFrom(ctx, snap, user, from)
		if err != nil || len(convs) == 0 {
			return err
		}
		it, err := snap.NewIterWithContext(ctx, &pebble.IterOptions{LowerBound: []byte{tagMsg}, UpperBound: []byte{tagMsg + 1}})
		if err != nil {
			return err
		}
		defer it.Close()
		var h cursors
		for _, conv := range convs {
			c := &cursor{conv: conv, chunk: min(limit, maxChunk)}
			if err := c.start(it, from); err != nil {
				return err
			}
			if len(c.buf) > 0 {
				h = append(h, c)
			}
		}
		heap.Init(&h)
		for len(h) > 0 {
			c := h[0]
			if !p.Wants(c.buf[0].SentAt) {
				break
			}
			p.Add(c.buf[0])
			if c.buf = c.buf[1:]; len(c.buf) == 0 {
				if err := c.fill(it); err != nil {
					return err
				}
			}
			if len(c.buf) == 0 {
				heap.Pop(&h)
			} else {
				heap.Fix(&h, 0)
			}
		}
		return it.Error()
	})
	return p, err
}

// activeFrom lists the conversations of user with activity keys in fromMs's
// minute or later: a superset of those with messages sent from fromMs on.
func activeFrom(ctx context.Context, snap *pebble.Snapshot, user, fromMs int64) ([]string, error) {
	prefix := userPrefix(tagActive, user)
	it, err := snap.NewIterWithContext(ctx, &pebble.IterOptions{LowerBound: put64(prefix, fromMs/activityMs), UpperBound: upper(prefix)})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	seen := map[string]bool{}
	var out []string
	for ok := it.First(); ok; ok = it.Next() {
		_, conv, ok := parseActivityKey(it.Key())
		if !ok {
			return nil, fmt.Errorf("activity key %q: %w", it.Key(), errCorrupt)
		}
		if !seen[conv] {
			seen[conv] = true
			out = append(out, conv)
		}
	}
	return out, it.Error()
}

// start reads c's first messages sent from fromMs on. It walks back from
// the newest message: a gap fill usually wants only the last few. If more
// than a chunk are that new, it binary-searches for the first instead.
func (c *cursor) start(it *pebble.Iterator, fromMs int64) error {
	prefix := msgPrefix(c.conv)
	if !it.SeekLT(upper(prefix)) || !bytes.HasPrefix(it.Key(), prefix) {
		return cmp.Or(it.Error(), fmt.Errorf("conversation %s active without messages: %w", c.conv, errCorrupt))
	}
	c.last, _ = parseMsgSeq(it.Key())
	var newer []convlog.Message // newest first
	found := false              // the first message from fromMs on is in newer, or there is none
	for ok := true; ; ok = it.Prev() {
		if !ok || !bytes.HasPrefix(it.Key(), prefix) {
			found = true // every message is that new
			break
		}
		if len(newer) == c.chunk {
			break
		}
		seq, _ := parseMsgSeq(it.Key())
		m, _, err := decodeMessage(c.conv, seq, it.Value())
		if err != nil {
			return err
		}
		if m.SentAt.UnixMilli() < fromMs {
			found = true
			break
		}
		newer = append(newer, m)
	}
	if err := it.Error(); err != nil {
		return err
	}
	if found {
		slices.Reverse(newer)
		c.buf, c.next = newer, c.last+1
		return nil
	}
	first, err := firstFrom(it, c.conv, fromMs, newer[len(newer)-1].Seq)
	if err != nil {
		return err
	}
	c.next = first
	return c.fill(it)
}

// firstFrom finds the first seq of conv up to hi sent from fromMs on, by
// binary search; the message at hi is known to be that new.
func firstFrom(it *pebble.Iterator, conv string, fromMs, hi int64) (int64, error) {
	lo := int64(1)
	for lo < hi {
		mid := lo + (hi-lo)/2
		at, err := sentAt(it, conv, mid)
		if err != nil {
			return 0, err
		}
		if at >= fromMs {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, nil
}

// sentAt reads the server time of conv's message seq.
func sentAt(it *pebble.Iterator, conv string, seq int64) (int64, error) {
	k := msgKey(conv, seq)
	if !it.SeekGE(k) || !bytes.Equal(it.Key(), k) {
		return 0, cmp.Or(it.Error(), fmt.Errorf("message %s/%d missing: %w", conv, seq, errCorrupt))
	}
	m, _, err := decodeMessage(conv, seq, it.Value())
	return m.SentAt.UnixMilli(), err
}

// maxChunk bounds the messages a cursor reads ahead with one seek.
const maxChunk = 64

// cursor walks one conversation's messages for Since, a chunk at a time,
// so every conversation shares one iterator.
type cursor struct {
	conv  string
	next  int64 // the seq to read next
	last  int64 // the newest seq, as of the snapshot
	chunk int
	buf   []convlog.Message
}

// fill reads the next chunk of messages into buf; buf stays empty at the end.
func (c *cursor) fill(it *pebble.Iterator) error {
	prefix := msgPrefix(c.conv)
	c.buf = c.buf[:0]
	if c.next > c.last {
		return nil
	}
	for ok := it.SeekGE(msgKey(c.conv, c.next)); ok && len(c.buf) < c.chunk && bytes.HasPrefix(it.Key(), prefix); ok = it.Next() {
		seq, _ := parseMsgSeq(it.Key())
		m, _, err := decodeMessage(c.conv, seq, it.Value())
		if err != nil {
			return err
		}
		c.buf = append(c.buf, m)
		c.next = seq + 1
	}
	return it.Error()
}

// cursors is a heap of cursors by their next message: oldest first, then by
// conversation and seq, so the order is total.
type cursors []*cursor

func (h cursors) Len() int { return len(h) }
func (h cursors) Less(i, j int) bool {
	a, b := h[i].buf[0], h[j].buf[0]
	return cmp.Or(a.SentAt.Compare(b.SentAt), cmp.Compare(a.Conv, b.Conv), cmp.Compare(a.Seq, b.Seq)) < 0
}
func (h cursors) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursors) Push(x any)   { *h = append(*h, x.(*cursor)) }
func (h *cursors) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

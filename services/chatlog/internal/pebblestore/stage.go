package pebblestore

import (
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

// stage is writes not yet applied, readable before they are: one per
// batch, and one per op on top of it, so an op that fails leaves no trace.
type stage struct {
	parent *stage // nil for the commit's own stage
	heads  map[string]head
	dedupe map[string]convlog.Message // by dedupe key
	lowCum map[string]int64           // by message key
	reads  map[string][2]int64        // by read key: readSeq, peer messages up to it
	sets   [][2][]byte
}

// newStage starts a stage over parent (nil for a batch's own). Its maps are
// made on first write: most op stages write one message or one mark.
func newStage(parent *stage) *stage { return &stage{parent: parent} }

func (s *stage) putMessage(conv, dk, mk string, h head, m convlog.Message) {
	s.initMessages()
	s.heads[conv], s.dedupe[dk], s.lowCum[mk] = h, m, h.lowCum
}

func (s *stage) putRead(rk string, r [2]int64) {
	s.initReads()
	s.reads[rk] = r
}

func (s *stage) initMessages() {
	if s.heads == nil {
		s.heads, s.dedupe, s.lowCum = map[string]head{}, map[string]convlog.Message{}, map[string]int64{}
	}
}

func (s *stage) initReads() {
	if s.reads == nil {
		s.reads = map[string][2]int64{}
	}
}

// merge moves an op's writes into the batch's stage.
func (s *stage) merge(op *stage) {
	if op.heads != nil {
		s.initMessages()
		maps.Copy(s.heads, op.heads)
		maps.Copy(s.dedupe, op.dedupe)
		maps.Copy(s.lowCum, op.lowCum)
	}
	if op.reads != nil {
		s.initReads()
		maps.Copy(s.reads, op.reads)
	}
	s.sets = append(s.sets, op.sets...)
}

func (s *stage) set(k, v []byte) { s.sets = append(s.sets, [2][]byte{k, v}) }

// find looks key up in s and its parent.
func find[V any](s *stage, pick func(*stage) map[string]V, key string) (V, bool) {
	for ; s != nil; s = s.parent {
		if v, ok := pick(s)[key]; ok {
			return v, true
		}
	}
	var zero V
	return zero, false
}

// head is where conv stands, including staged writes.
func (w *writer) head(s *stage, conv string) (head, error) {
	if h, ok := find(s, func(s *stage) map[string]head { return s.heads }, conv); ok {
		return h, nil
	}
	if h, ok := w.heads[conv]; ok {
		return h, nil
	}
	it, err := w.db.NewIter(&pebble.IterOptions{LowerBound: msgPrefix(conv), UpperBound: upper(msgPrefix(conv))})
	if err != nil {
		return head{}, err
	}
	defer it.Close()
	if !it.Last() {
		return head{}, it.Error() // a new conversation
	}
	seq, ok := parseMsgSeq(it.Key())
	if !ok {
		return head{}, fmt.Errorf("message key %q: %w", it.Key(), errCorrupt)
	}
	m, low, err := decodeMessage(conv, seq, it.Value())
	if err != nil {
		return head{}, err
	}
	h := head{last: seq, lowCum: low, at: m.SentAt.UnixMilli()}
	if len(w.heads) >= maxHeads {
		clear(w.heads)
	}
	w.heads[conv] = h // read from Pebble, so applied: safe to cache
	return h, nil
}

// stored finds the message a dedupe key points at, staged or applied.
func (w *writer) stored(s *stage, conv, dk string) (convlog.Message, bool, error) {
	if m, ok := find(s, func(s *stage) map[string]convlog.Message { return s.dedupe }, dk); ok {
		return m, true, nil
	}
	if !w.seen.mayContain([]byte(dk)) {
		w.m.filtered.Inc()
		return convlog.Message{}, false, nil
	}
	v, err := get(w.db, []byte(dk))
	if v == nil || err != nil {
		w.m.absent.Inc()
		return convlog.Message{}, false, err
	}
	w.m.found.Inc()
	seq, err := unseq(v)
	if err != nil {
		return convlog.Message{}, false, err
	}
	mv, err := get(w.db, msgKey(conv, seq))
	if err != nil || mv == nil {
		return convlog.Message{}, false, errors.Join(err, fmt.Errorf("dedupe %q → missing %s/%d: %w", dk, conv, seq, errCorrupt))
	}
	m, _, err := decodeMessage(conv, seq, mv)
	return m, err == nil, err
}

// stageAppend stages the drafts of one op at server time at (ms).
func (w *writer) stageAppend(s *stage, drafts []convlog.Draft, at int64) ([]convlog.Message, int, error) {
	out := make([]convlog.Message, len(drafts))
	fresh := 0
	for i, d := range drafts {
		conv := d.Conv()
		dk := string(dedupeKey(conv.ID, d.Sender, d.ClientMsgID))
		m, ok, err := w.stored(s, conv.ID, dk)
		if err != nil {
			return nil, 0, err
		}
		if ok {
			if m.Text != d.Text {
				return nil, 0, &convlog.InvalidError{Field: "clientMsgId", Reason: fmt.Sprintf("%q was already used for another message in %s", d.ClientMsgID, conv.ID)}
			}
			out[i] = m
			continue
		}
		h, err := w.head(s, conv.ID)
		if err != nil {
			return nil, 0, err
		}
		if h.last == 0 { // a new conversation: list it under both members
			s.set(partKey(d.Sender, conv.ID), nil)
			s.set(partKey(d.Recipient, conv.ID), nil)
		}
		prevAt := h.at
		h.at = max(h.at, at) // never older than the message before it
		// The conversation's first message in a minute marks it active then.
		if h.last == 0 || h.at/activityMs != prevAt/activityMs {
			s.set(activityKey(d.Sender, h.at/activityMs, conv.ID), nil)
			s.set(activityKey(d.Recipient, h.at/activityMs, conv.ID), nil)
		}
		h.last++
		if d.Sender == conv.Low {
			h.lowCum++
		}
		m = convlog.Message{
			ID: convlog.NewID(time.UnixMilli(h.at)), Conv: conv.ID, Seq: h.last, Sender: d.Sender, Recipient: d.Recipient,
			Text: d.Text, SentAt: time.UnixMilli(h.at), ClientMsgID: d.ClientMsgID,
		}
		mk := msgKey(conv.ID, h.last)
		s.set(mk, encodeMessage(m, h.lowCum))
		s.set([]byte(dk), put64(nil, h.last))
		s.putMessage(conv.ID, dk, string(mk), h, m)
		out[i] = m
		fresh++
	}
	return out, fresh, nil
}

// stageMark stages a read mark, unless it would not move forward.
func (w *writer) stageMark(s *stage, mk *mark) error {
	h, err := w.head(s, mk.conv.ID)
	if err != nil {
		return err
	}
	seq := min(mk.seq, h.last)
	rk := string(readKey(mk.user, mk.conv.ID))
	cur, ok := find(s, func(s *stage) map[string][2]int64 { return s.reads }, rk)
	if !ok {
		if cur, err = readMark(w.db, rk); err != nil {
			return err
		}
	}
	if seq <= cur[0] {
		return nil
	}
	low := h.lowCum
	if seq != h.last {
		if low, err = w.lowCumAt(s, mk.conv.ID, seq); err != nil {
			return err
		}
	}
	r := [2]int64{seq, peerSent(mk.conv, mk.user, seq, low)}
	s.putRead(rk, r)
	s.set([]byte(rk), pair(r[0], r[1]))
	return nil
}

// lowCumAt is the lower member's message count up to seq.
func (w *writer) lowCumAt(s *stage, conv string, seq int64) (int64, error) {
	mk := msgKey(conv, seq)
	if low, ok := find(s, func(s *stage) map[string]int64 { return s.lowCum }, string(mk)); ok {
		return low, nil
	}
	v, err := get(w.db, mk)
	if err != nil || v == nil {
		return 0, errors.Join(err, fmt.Errorf("message %s/%d missing: %w", conv, seq, errCorrupt))
	}
	_, low, err := decodeMessage(conv, seq, v)
	return low, err
}

// peerSent counts the messages user's peer sent in conv up to seq, given
// the lower member's count low.
func peerSent(conv convlog.Conv, user, seq, low int64) int64 {
	if conv.Peer(user) == conv.Low {
		return low
	}
	return seq - low
}

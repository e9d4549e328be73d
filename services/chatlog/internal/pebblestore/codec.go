package pebblestore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

// codecV1 starts every stored message value, so the format can change later.
const codecV1 = 1

// errCorrupt marks a stored value that does not decode.
var errCorrupt = errors.New("corrupt record")

// encodeMessage stores m with lowCum, the number of messages the
// conversation's lower member had sent up to and including m: with it the
// unread count at any seq is one lookup, never a scan. The conversation and
// seq live in the key.
func encodeMessage(m convlog.Message, lowCum int64) []byte {
	b := make([]byte, 0, 32+len(m.ID)+len(m.ClientMsgID)+len(m.Text))
	b = append(b, codecV1)
	b = binary.AppendUvarint(b, uint64(m.Sender))
	b = binary.AppendUvarint(b, uint64(m.Recipient))
	b = binary.AppendUvarint(b, uint64(m.SentAt.UnixMilli()))
	b = binary.AppendUvarint(b, uint64(lowCum))
	b = binary.AppendUvarint(b, uint64(len(m.ID)))
	b = append(b, m.ID...)
	b = binary.AppendUvarint(b, uint64(len(m.ClientMsgID)))
	b = append(b, m.ClientMsgID...)
	return append(b, m.Text...)
}

// decodeMessage is the inverse of encodeMessage; v may be reused by the
// caller afterwards, so strings are copied.
func decodeMessage(conv string, seq int64, v []byte) (m convlog.Message, lowCum int64, err error) {
	if len(v) == 0 || v[0] != codecV1 {
		return m, 0, fmt.Errorf("message %s/%d: %w: unknown version", conv, seq, errCorrupt)
	}
	d := decoder{b: v[1:]}
	sender, recipient, at, low := d.uint(), d.uint(), d.uint(), d.uint()
	id, cmid := d.bytes(), d.bytes()
	if d.bad || sender > 1<<63-1 || recipient > 1<<63-1 || at > 1<<62 || low > uint64(seq) {
		return m, 0, fmt.Errorf("message %s/%d: %w", conv, seq, errCorrupt)
	}
	return convlog.Message{
		ID: string(id), Conv: conv, Seq: seq, Sender: int64(sender), Recipient: int64(recipient),
		Text: string(d.b), SentAt: time.UnixMilli(int64(at)), ClientMsgID: string(cmid),
	}, int64(low), nil
}

// decoder reads uvarints and length-prefixed bytes, remembering any failure.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uint()
	if d.bad || n > uint64(len(d.b)) {
		d.bad = true
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

// pair encodes two integers, the value of p and r keys.
func pair(a, b int64) []byte { return put64(put64(make([]byte, 0, 16), a), b) }

func unpair(v []byte) (int64, int64, error) {
	if len(v) != 16 {
		return 0, 0, fmt.Errorf("pair of %d bytes: %w", len(v), errCorrupt)
	}
	return int64(binary.BigEndian.Uint64(v)), int64(binary.BigEndian.Uint64(v[8:])), nil
}

func unseq(v []byte) (int64, error) {
	if len(v) != 8 {
		return 0, fmt.Errorf("seq of %d bytes: %w", len(v), errCorrupt)
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}

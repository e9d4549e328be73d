package pebblestore

import (
	"bytes"
	"encoding/binary"
)

// Key layout. Every key starts with a tag byte; conversation ids never hold
// NUL (ParseConv admits digits, 'd' and ':'), so NUL ends one inside a key
// and keys of one conversation sort together, in seq order.
//
//	m conv 0 seq            → message (see codec.go)
//	k conv 0 sender cmid    → seq: the idempotency index
//	p user conv             → nothing: the user's conversations
//	r user conv             → readSeq, peer messages up to it: read marks
//	a user minute conv      → nothing: user's conversations active in that
//	                          minute (since the Unix epoch), for Since
//	\x00layout              → the layout version (see layout.go)
//
// Integers are 8-byte big-endian so byte order is numeric order (all are
// positive).
const (
	tagMsg    = 'm'
	tagDedupe = 'k'
	tagPart   = 'p'
	tagRead   = 'r'
	tagActive = 'a'
)

// activityMs is the span of one activity key: a conversation's first
// message in each minute writes one per member, so busy conversations pay
// for it once a minute, not once a message.
const activityMs = 60_000

func put64(b []byte, v int64) []byte { return binary.BigEndian.AppendUint64(b, uint64(v)) }

// msgPrefix is the prefix of every message key of conv.
func msgPrefix(conv string) []byte {
	return append(append([]byte{tagMsg}, conv...), 0)
}

func msgKey(conv string, seq int64) []byte { return put64(msgPrefix(conv), seq) }

func dedupeKey(conv string, sender int64, cmid string) []byte {
	k := append(append([]byte{tagDedupe}, conv...), 0)
	return append(put64(k, sender), cmid...)
}

// userPrefix is the prefix of user's keys under tag.
func userPrefix(tag byte, user int64) []byte { return put64([]byte{tag}, user) }

func partKey(user int64, conv string) []byte { return append(userPrefix(tagPart, user), conv...) }

func readKey(user int64, conv string) []byte { return append(userPrefix(tagRead, user), conv...) }

func activityKey(user, minute int64, conv string) []byte {
	return append(put64(userPrefix(tagActive, user), minute), conv...)
}

// upper is the smallest key greater than every key starting with prefix.
func upper(prefix []byte) []byte {
	u := bytes.Clone(prefix)
	for i := len(u) - 1; i >= 0; i-- {
		if u[i] < 0xff {
			u[i]++
			return u[:i+1]
		}
	}
	return nil // all 0xff: no upper bound
}

// parseMsgSeq reads the seq off a message key of conv.
func parseMsgSeq(k []byte) (int64, bool) {
	if len(k) < 10 || k[0] != tagMsg || k[len(k)-9] != 0 {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(k[len(k)-8:])), true
}

// parsePartKey reads the conversation off one of user's p keys.
func parsePartKey(k []byte) (string, bool) {
	if len(k) < 10 || k[0] != tagPart {
		return "", false
	}
	return string(k[9:]), true
}

// parseActivityKey reads an a key.
func parseActivityKey(k []byte) (minute int64, conv string, ok bool) {
	if len(k) < 1+8+8 || k[0] != tagActive {
		return 0, "", false
	}
	return int64(binary.BigEndian.Uint64(k[9:17])), string(k[17:]), true
}

package convlog

import (
	"math/rand/v2"
	"time"
)

// Window is the range of seqs [Lo, Hi] a cursor selects in a conversation
// whose newest message is last; the range is empty when Lo > Hi. Seqs run
// from 1 without gaps, so every store can page by arithmetic alone.
type Window struct {
	Lo, Hi int64
	// MoreBefore and MoreAfter are the Page flags for this window.
	MoreBefore, MoreAfter bool
}

// WindowOf applies a checked cursor to a conversation of last messages. A
// Before past the end reads the newest page; an After at or past the end
// reads an empty page.
func WindowOf(c Cursor, last int64) Window {
	n := int64(c.Limit)
	var w Window
	switch {
	case c.Before > 0:
		w.Hi = min(c.Before-1, last)
		w.Lo = max(1, w.Hi-n+1)
	case c.After >= 0:
		w.Lo = c.After + 1
		w.Hi = min(c.After+n, last)
	default:
		w.Hi = last
		w.Lo = max(1, last-n+1)
	}
	w.MoreBefore = last > 0 && w.Lo > 1
	w.MoreAfter = w.Hi < last
	return w
}

// Empty reports whether the window holds no seq.
func (w Window) Empty() bool { return w.Lo > w.Hi }

// Byte budgets of a Since answer: a reply must fit one Thrift frame (1 MiB)
// however long the messages are.
const (
	sinceSoftBytes = 512 << 10 // stop at the next new millisecond past this
	sinceHardBytes = 900 << 10 // stop even inside a millisecond
)

// SincePage gathers the answer to Since for a store that walks a user's
// messages oldest first. A page never ends inside a millisecond (unless one
// millisecond alone holds more than a frame), because the caller resumes
// after the last message's millisecond.
type SincePage struct {
	Limit    int
	Messages []Message
	More     bool
	bytes    int
}

// Wants reports whether the next message, sent at at, belongs on the page;
// false ends the walk and sets More.
func (p *SincePage) Wants(at time.Time) bool {
	n := len(p.Messages)
	if n == 0 {
		return true
	}
	sameMilli := at.UnixMilli() == p.Messages[n-1].SentAt.UnixMilli()
	if (n >= p.Limit || p.bytes >= sinceSoftBytes) && !sameMilli || p.bytes >= sinceHardBytes {
		p.More = true
		return false
	}
	return true
}

// Add puts m on the page.
func (p *SincePage) Add(m Message) {
	p.Messages = append(p.Messages, m)
	p.bytes += len(m.Text) + len(m.ClientMsgID) + len(m.ID) + len(m.Conv) + 64
}

// NewID makes a message id: the millisecond in hex, then 64 random bits, so
// ids sort roughly by time and never collide across instances in practice.
func NewID(at time.Time) string {
	var b [27]byte
	hex(b[:11], uint64(at.UnixMilli()))
	hex(b[11:], rand.Uint64())
	return string(b[:])
}

// hex writes v into b as lower-case hex, zero-padded to len(b) digits.
func hex(b []byte, v uint64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = "0123456789abcdef"[v&0xf]
		v >>= 4
	}
}

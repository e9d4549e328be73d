// Package convlog is the chatlog's domain: conversations, messages and the
// rules for appending and reading them. It knows nothing of Thrift or of any
// particular storage engine; a Store keeps the messages.
package convlog

import "time"

// Message is one stored chat message.
type Message struct {
	// ID is server-assigned and unique across the system.
	ID string
	// Conv is the conversation's id (see Conv).
	Conv string
	// Seq is the position in the conversation: from 1, without gaps.
	Seq       int64
	Sender    int64
	Recipient int64
	// Text is stored exactly as given: HTML in it is just text.
	Text string
	// SentAt is when the store accepted it, to the millisecond.
	SentAt time.Time
	// ClientMsgID is the sender's own id for it; retries with it are idempotent.
	ClientMsgID string
}

// Draft is a message to append, as the sender gave it.
type Draft struct {
	Sender      int64
	Recipient   int64
	Text        string
	ClientMsgID string
}

// Conv is the conversation the draft belongs to.
func (d Draft) Conv() Conv { return Direct(d.Sender, d.Recipient) }

// Cursor selects part of a conversation (see Window).
type Cursor struct {
	// Before > 0 asks for the newest messages with a smaller seq.
	Before int64
	// After >= 0 (with Before = 0) asks for the oldest messages with a
	// larger seq; -1 (with Before = 0) asks for the newest page.
	After int64
	// Limit is the most messages wanted.
	Limit int
}

// Newest is the cursor of the newest page of limit messages.
func Newest(limit int) Cursor { return Cursor{After: -1, Limit: limit} }

// Page is part of a conversation, oldest first.
type Page struct {
	Messages []Message
	// MoreBefore: older messages than the first here (or than the cursor,
	// when the page is empty) exist.
	MoreBefore bool
	// MoreAfter: newer messages than the last here exist.
	MoreAfter bool
}

// Summary is a conversation as one participant sees it.
type Summary struct {
	Conv string
	// Peer is the other participant.
	Peer int64
	// Last is the newest message.
	Last Message
	// Unread counts the peer's messages after ReadSeq.
	Unread int
	// ReadSeq is the participant's read mark: the seq of the last message read.
	ReadSeq int64
}

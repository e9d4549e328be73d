// Package chatlogclient is how other services talk to the chatlog tier:
// appends and history go to the conversation's owner; per-user reads
// (recent conversations, messages since a point) ask every instance and merge.
package chatlogclient

import (
	"errors"
	"fmt"
	"time"
)

// Message is one stored chat message.
type Message struct {
	ID           string
	Conversation string
	Seq          int64
	Sender       int64
	Recipient    int64
	Text         string
	SentAt       time.Time
	ClientMsgID  string
}

// Page is part of a conversation, oldest first.
type Page struct {
	Messages   []Message
	MoreBefore bool
	MoreAfter  bool
}

// Summary is a conversation as one participant sees it.
type Summary struct {
	Conversation string
	Peer         int64
	Last         Message
	Unread       int
	ReadSeq      int64
}

// Errors callers branch on; the wrapped message says more.
var (
	// ErrInvalid: the request is malformed; retrying it unchanged fails again.
	ErrInvalid = errors.New("invalid request")
	// ErrUnavailable: no chatlog instance could take the call; retry later.
	ErrUnavailable = errors.New("chatlog unavailable")
)

// ConversationID is the id of the direct conversation between a and b.
func ConversationID(a, b int64) string {
	if a > b {
		a, b = b, a
	}
	return fmt.Sprintf("d:%d:%d", a, b)
}

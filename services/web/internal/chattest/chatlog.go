// Package chattest holds in-memory stand-ins for the tiers the web tier
// calls, for its unit tests. Each behaves like the real tier in what the web
// tier relies on, and can be told to fail.
package chattest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
)

// Chatlog is an in-memory chatlog: idempotent appends, gap-free seqs per
// conversation, read marks.
type Chatlog struct {
	mu      sync.Mutex
	convs   map[string][]chatlogclient.Message
	byKey   map[string]chatlogclient.Message // sender|clientMsgID → stored
	reads   map[string]int64                 // user|conversation → seq
	calls   int
	appends int
	fail    error
	now     func() time.Time
	before  func(context.Context) error // runs ahead of each Append, unlocked
}

// NewChatlog returns an empty Chatlog stamping messages with now (nil:
// time.Now).
func NewChatlog(now func() time.Time) *Chatlog {
	if now == nil {
		now = time.Now
	}
	return &Chatlog{convs: map[string][]chatlogclient.Message{}, byKey: map[string]chatlogclient.Message{},
		reads: map[string]int64{}, now: now}
}

// Fail makes every later call return err (nil: succeed again).
func (c *Chatlog) Fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fail = err
}

// BeforeAppend makes each Append first run fn (outside the lock) and fail
// with its error, if any: a slow or failing chatlog on demand.
func (c *Chatlog) BeforeAppend(fn func(context.Context) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.before = fn
}

// Stored is every stored message, by conversation then seq.
func (c *Chatlog) Stored() []chatlogclient.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []chatlogclient.Message
	for _, k := range slices.Sorted(maps.Keys(c.convs)) {
		out = append(out, c.convs[k]...)
	}
	return out
}

// Calls counts calls of any method, failed or not.
func (c *Chatlog) Calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// Appends counts Append calls, failed or not.
func (c *Chatlog) Appends() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.appends
}

// ReadMark is user's read mark in conversation.
func (c *Chatlog) ReadMark(user int64, conversation string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads[fmt.Sprint(user, "|", conversation)]
}

func (c *Chatlog) enter() error {
	c.mu.Lock()
	c.calls++
	return c.fail
}

// Append implements chat.Chatlog.
func (c *Chatlog) Append(ctx context.Context, sender, recipient int64, text, clientMsgID string) (chatlogclient.Message, error) {
	c.mu.Lock()
	before := c.before
	c.mu.Unlock()
	if before != nil {
		if err := before(ctx); err != nil {
			return chatlogclient.Message{}, err
		}
	}
	err := c.enter()
	c.appends++
	defer c.mu.Unlock()
	if err != nil {
		return chatlogclient.Message{}, err
	}
	if sender <= 0 || recipient <= 0 || sender == recipient || text == "" || len(text) > 4000 ||
		!utf8.ValidString(text) || clientMsgID == "" || len(clientMsgID) > 64 {
		return chatlogclient.Message{}, fmt.Errorf("append: %w", chatlogclient.ErrInvalid)
	}
	key := fmt.Sprint(sender, "|", clientMsgID)
	if m, ok := c.byKey[key]; ok {
		return m, nil
	}
	conv := chatlogclient.ConversationID(sender, recipient)
	m := chatlogclient.Message{
		ID: fmt.Sprintf("%s#%d", conv, len(c.convs[conv])+1), Conversation: conv, Seq: int64(len(c.convs[conv]) + 1),
		Sender: sender, Recipient: recipient, Text: text, SentAt: c.now().Truncate(time.Millisecond), ClientMsgID: clientMsgID,
	}
	c.convs[conv] = append(c.convs[conv], m)
	c.byKey[key] = m
	return m, nil
}

// History implements chat.Chatlog with the chatlog's paging rules.
func (c *Chatlog) History(_ context.Context, conv string, before, after int64, limit int) (chatlogclient.Page, error) {
	if err := c.enter(); err != nil {
		c.mu.Unlock()
		return chatlogclient.Page{}, err
	}
	defer c.mu.Unlock()
	all := c.convs[conv]
	n := int64(len(all))
	var lo, hi int64 // the page is all[lo:hi]
	switch {
	case before > 0:
		hi = min(before-1, n)
		lo = max(0, hi-int64(limit))
	case after >= 0:
		lo = min(after, n)
		hi = min(n, lo+int64(limit))
	default:
		hi = n
		lo = max(0, n-int64(limit))
	}
	return chatlogclient.Page{Messages: slices.Clone(all[lo:hi]), MoreBefore: lo > 0, MoreAfter: hi < n}, nil
}

// Recent implements chat.Chatlog.
func (c *Chatlog) Recent(_ context.Context, user int64, limit int) ([]chatlogclient.Summary, error) {
	if err := c.enter(); err != nil {
		c.mu.Unlock()
		return nil, err
	}
	defer c.mu.Unlock()
	var out []chatlogclient.Summary
	for conv, ms := range c.convs {
		last := ms[len(ms)-1]
		if last.Sender != user && last.Recipient != user {
			continue
		}
		peer := last.Sender + last.Recipient - user
		read := c.reads[fmt.Sprint(user, "|", conv)]
		unread := 0
		for _, m := range ms {
			if m.Sender == peer && m.Seq > read {
				unread++
			}
		}
		out = append(out, chatlogclient.Summary{Conversation: conv, Peer: peer, Last: last, Unread: unread, ReadSeq: read})
	}
	slices.SortFunc(out, func(a, b chatlogclient.Summary) int { return b.Last.SentAt.Compare(a.Last.SentAt) })
	return out[:min(len(out), limit)], nil
}

// MarkRead implements chat.Chatlog; marks never move back.
func (c *Chatlog) MarkRead(_ context.Context, user int64, conv string, seq int64) error {
	if err := c.enter(); err != nil {
		c.mu.Unlock()
		return err
	}
	defer c.mu.Unlock()
	k := fmt.Sprint(user, "|", conv)
	c.reads[k] = max(c.reads[k], seq)
	return nil
}

// Since implements chat.Chatlog.
func (c *Chatlog) Since(_ context.Context, user int64, since time.Time, limit int) ([]chatlogclient.Message, bool, error) {
	if err := c.enter(); err != nil {
		c.mu.Unlock()
		return nil, false, err
	}
	defer c.mu.Unlock()
	var out []chatlogclient.Message
	for _, ms := range c.convs {
		for _, m := range ms {
			if (m.Sender == user || m.Recipient == user) && m.SentAt.After(since) {
				out = append(out, m)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b chatlogclient.Message) int { return a.SentAt.Compare(b.SentAt) })
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

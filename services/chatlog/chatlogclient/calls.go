package chatlogclient

import (
	"context"
	"fmt"
	"time"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// Append stores one message in the conversation of sender and recipient and
// returns it as stored. It is idempotent on (sender, clientMsgID): a retry,
// even after an error, returns the stored message and never a second copy.
// Concurrent appends to one instance share calls (see sender).
func (c *Client) Append(ctx context.Context, sender, recipient int64, text, clientMsgID string) (Message, error) {
	conv := ConversationID(sender, recipient)
	req := &chatlogt.AppendRequest{
		Sender: commont.UserId(sender), Recipient: commont.UserId(recipient),
		Text: text, ClientMsgId: clientMsgID,
	}
	view := c.res.View()
	owner, ok := view.Owner(discovery.HashString(conv))
	if !ok {
		return Message{}, fmt.Errorf("%w: append %s: no chatlog instance", ErrUnavailable, conv)
	}
	s := c.sender(owner.Addr, view)
	p := &pending{conv: conv, req: req, res: make(chan appended, 1)}
	if s == nil || !s.push(p) {
		return c.appendOne(ctx, conv, req)
	}
	select {
	case r := <-p.res:
		return r.msg, r.err
	case <-ctx.Done():
		// The append may still be stored; a retry with the same id finds it.
		return Message{}, fmt.Errorf("%w: append %s: %w", ErrUnavailable, conv, ctx.Err())
	}
}

// appendOne stores one message with a call of its own.
func (c *Client) appendOne(ctx context.Context, conv string, req *chatlogt.AppendRequest) (Message, error) {
	var out Message
	err := c.routed(ctx, "append", conv, func(ctx context.Context, cl *chatlogt.ChatlogServiceClient) error {
		m, err := cl.Append(ctx, req)
		if err == nil {
			out = message(m)
		}
		return err
	})
	return out, err
}

// History reads part of a conversation, oldest first. With before > 0, the
// newest limit messages before seq before; otherwise, with after >= 0, the
// oldest limit after seq after; before = 0 and after = -1 read the newest
// page. limit is 1 to 200. A cursor past the end gives an empty page.
func (c *Client) History(ctx context.Context, conv string, before, after int64, limit int) (Page, error) {
	var out Page
	err := c.routed(ctx, "history", conv, func(ctx context.Context, cl *chatlogt.ChatlogServiceClient) error {
		p, err := cl.History(ctx, commont.ConversationId(conv), before, after, clamp32(limit))
		if err == nil {
			out = Page{Messages: messages(p.GetMessages()), MoreBefore: p.GetMoreBefore(), MoreAfter: p.GetMoreAfter()}
		}
		return err
	})
	return out, err
}

// MarkRead moves user's read mark in conv up to seq; it never moves back, and
// a seq past the newest message marks the newest.
func (c *Client) MarkRead(ctx context.Context, user int64, conv string, seq int64) error {
	return c.routed(ctx, "markRead", conv, func(ctx context.Context, cl *chatlogt.ChatlogServiceClient) error {
		return cl.MarkRead(ctx, commont.UserId(user), commont.ConversationId(conv), seq)
	})
}

func message(m *commont.Message) Message {
	if m == nil {
		return Message{}
	}
	return Message{
		ID: m.ID, Conversation: string(m.Conversation), Seq: m.Seq,
		Sender: int64(m.Sender), Recipient: int64(m.Recipient), Text: m.Text,
		SentAt: time.UnixMilli(m.SentAtMs), ClientMsgID: m.ClientMsgId,
	}
}

func messages(ms []*commont.Message) []Message {
	out := make([]Message, 0, len(ms))
	for _, m := range ms {
		out = append(out, message(m))
	}
	return out
}

// clamp32 keeps an out-of-range limit out of range after the conversion to
// i32, so the server rejects it instead of seeing a wrapped value.
func clamp32(n int) int32 {
	const maxI32, minI32 = 1<<31 - 1, -1 << 31
	switch {
	case n > maxI32:
		return maxI32
	case n < minI32:
		return minI32
	}
	return int32(n)
}

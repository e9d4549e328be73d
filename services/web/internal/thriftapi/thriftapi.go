// Package thriftapi adapts the chat domain to the generated WebService that
// host applications (a PHP site) call: it converts types and maps domain
// errors to the IDL's typed exceptions. Any other error is logged here and
// reaches the caller as an opaque internal error.
package thriftapi

import (
	"context"
	"errors"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/rs/zerolog"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	webt "github.com/thriftchat/thriftchat/gen-go/web"
	"github.com/thriftchat/thriftchat/services/web/internal/chat"
	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

// Handler implements webt.WebService.
type Handler struct {
	chat *chat.Service
	log  zerolog.Logger
}

var _ webt.WebService = (*Handler)(nil)

// New returns a handler over the chat service.
func New(c *chat.Service, log zerolog.Logger) *Handler { return &Handler{chat: c, log: log} }

// Processor wraps the handler for rpc.Listen.
func (h *Handler) Processor() thrift.TProcessor { return webt.NewWebServiceProcessor(h) }

// PutUser creates or renames a user.
func (h *Handler) PutUser(ctx context.Context, u *webt.User) error {
	if u == nil {
		return &commont.InvalidInput{Message: "user is required", Field: "user"}
	}
	return h.fail("putUser", h.chat.PutUser(ctx, store.User{ID: int64(u.ID), Name: u.Name}))
}

// OpenSession signs a user in for a browser.
func (h *Handler) OpenSession(ctx context.Context, user commont.UserId, ttlSeconds int32) (*webt.Session, error) {
	s, err := h.chat.OpenSession(ctx, int64(user), time.Duration(ttlSeconds)*time.Second)
	if err != nil {
		return nil, h.fail("openSession", err)
	}
	return &webt.Session{
		User: commont.UserId(s.User), Token: s.Token, ExpiresAtMs: s.ExpiresAt.UnixMilli(),
		PollUrl: s.PollURL, ChatUrl: s.ChatURL,
	}, nil
}

// AddFriend makes two users friends.
func (h *Handler) AddFriend(ctx context.Context, a, b commont.UserId) error {
	return h.fail("addFriend", h.chat.AddFriend(ctx, int64(a), int64(b)))
}

// RemoveFriend ends a friendship.
func (h *Handler) RemoveFriend(ctx context.Context, a, b commont.UserId) error {
	return h.fail("removeFriend", h.chat.RemoveFriend(ctx, int64(a), int64(b)))
}

// SetFriends replaces a user's friend list.
func (h *Handler) SetFriends(ctx context.Context, user commont.UserId, friends []commont.UserId) error {
	ids := make([]int64, len(friends))
	for i, f := range friends {
		ids[i] = int64(f)
	}
	return h.fail("setFriends", h.chat.SetFriends(ctx, int64(user), ids))
}

// Friends lists a user's friends.
func (h *Handler) Friends(ctx context.Context, user commont.UserId) ([]commont.UserId, error) {
	ids, err := h.chat.Friends(ctx, int64(user))
	if err != nil {
		return nil, h.fail("friends", err)
	}
	out := make([]commont.UserId, len(ids))
	for i, id := range ids {
		out[i] = commont.UserId(id)
	}
	return out, nil
}

// Send sends a message as sender, as the chat UI does.
func (h *Handler) Send(ctx context.Context, sender, recipient commont.UserId, text, clientMsgID string) (*commont.Message, error) {
	m, err := h.chat.Send(ctx, int64(sender), int64(recipient), text, clientMsgID)
	if err != nil {
		return nil, h.fail("send", err)
	}
	return message(m), nil
}

// BuddyList answers a user's friends with presence.
func (h *Handler) BuddyList(ctx context.Context, user commont.UserId, sinceVersion int64) (*webt.BuddyList, error) {
	b, err := h.chat.Buddies(ctx, int64(user), sinceVersion)
	if err != nil {
		return nil, h.fail("buddyList", err)
	}
	out := &webt.BuddyList{Version: b.Version, Full: b.Full, Buddies: make([]*webt.Buddy, len(b.Buddies))}
	for i, x := range b.Buddies {
		out.Buddies[i] = &webt.Buddy{
			User:  &webt.User{ID: commont.UserId(x.ID), Name: x.Name},
			State: state(x.State), LastActiveMs: unixMilli(x.LastActive),
		}
	}
	return out, nil
}

// Presence answers any users' presence.
func (h *Handler) Presence(ctx context.Context, users []commont.UserId) ([]*presencet.Presence, error) {
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = int64(u)
	}
	ps, err := h.chat.Presence(ctx, ids)
	if err != nil {
		return nil, h.fail("presence", err)
	}
	out := make([]*presencet.Presence, len(ps))
	for i, p := range ps {
		out[i] = &presencet.Presence{User: commont.UserId(p.User), State: state(p.State), LastActiveMs: unixMilli(p.LastActive)}
	}
	return out, nil
}

// History pages the conversation between user and peer.
func (h *Handler) History(ctx context.Context, user, peer commont.UserId, beforeSeq, afterSeq int64, limit int32) (*chatlogt.HistoryPage, error) {
	p, err := h.chat.History(ctx, int64(user), int64(peer), beforeSeq, afterSeq, int(limit))
	if err != nil {
		return nil, h.fail("history", err)
	}
	out := &chatlogt.HistoryPage{Messages: make([]*commont.Message, len(p.Messages)), MoreBefore: p.MoreBefore, MoreAfter: p.MoreAfter}
	for i, m := range p.Messages {
		out.Messages[i] = message(m)
	}
	return out, nil
}

// Recent lists a user's recent conversations.
func (h *Handler) Recent(ctx context.Context, user commont.UserId, limit int32) ([]*chatlogt.ConversationSummary, error) {
	cs, err := h.chat.Recent(ctx, int64(user), int(limit))
	if err != nil {
		return nil, h.fail("recent", err)
	}
	out := make([]*chatlogt.ConversationSummary, len(cs))
	for i, c := range cs {
		out[i] = &chatlogt.ConversationSummary{
			Conversation: commont.ConversationId(c.Conversation), Peer: commont.UserId(c.Peer),
			Last: message(c.Last), Unread: int32(c.Unread), ReadSeq: c.ReadSeq,
		}
	}
	return out, nil
}

// fail maps a domain error to its IDL exception. An exception a method does
// not declare reaches its caller as an internal error, so each stays within
// its method's throws clause by construction of the domain's errors.
func (h *Handler) fail(method string, err error) error {
	var inv *chat.InvalidError
	var rl *chat.RateLimitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &inv):
		return &commont.InvalidInput{Message: inv.Error(), Field: inv.Field}
	case errors.Is(err, chat.ErrNotFriends):
		return &webt.NotFriends{Message: err.Error()}
	case errors.As(err, &rl):
		return &webt.RateLimited{Message: "sending too fast", RetryAfterMs: max(rl.RetryAfter.Milliseconds(), 1)}
	case errors.Is(err, chat.ErrNotFound):
		return &commont.NotFound{Message: err.Error()}
	case errors.Is(err, chat.ErrUnavailable):
		h.log.Warn().Err(err).Str("method", method).Msg("dependency unavailable")
		return &commont.Unavailable{Message: "a dependency is unavailable; retry later"}
	}
	h.log.Error().Err(err).Str("method", method).Msg("call failed")
	return err
}

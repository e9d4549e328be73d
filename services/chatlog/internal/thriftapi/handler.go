// Package thriftapi serves ChatlogService: it converts Thrift types to the
// domain's, refuses conversations owned by another instance, and maps domain
// errors to the IDL's typed exceptions. Any other error reaches the caller
// as an opaque internal error and is logged here, once.
package thriftapi

import (
	"context"
	"errors"
	"time"

	"github.com/rs/zerolog"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

// Handler implements chatlogt.ChatlogService over a convlog.Log.
type Handler struct {
	log    *convlog.Log
	own    *Ownership
	errlog zerolog.Logger
}

var _ chatlogt.ChatlogService = (*Handler)(nil)

// New returns a handler for l; own decides which conversations are served
// here. errlog receives one line per unexpected error.
func New(l *convlog.Log, own *Ownership, errlog zerolog.Logger) *Handler {
	return &Handler{log: l, own: own, errlog: errlog}
}

// Processor is the Thrift processor to serve.
func (h *Handler) Processor() *chatlogt.ChatlogServiceProcessor {
	return chatlogt.NewChatlogServiceProcessor(h)
}

// Append implements ChatlogService.
func (h *Handler) Append(ctx context.Context, r *chatlogt.AppendRequest) (*commont.Message, error) {
	ms, err := h.appendAll(ctx, "append", []*chatlogt.AppendRequest{r})
	if err != nil {
		return nil, err
	}
	return ms[0], nil
}

// AppendBatch implements ChatlogService.
func (h *Handler) AppendBatch(ctx context.Context, rs []*chatlogt.AppendRequest) ([]*commont.Message, error) {
	return h.appendAll(ctx, "appendBatch", rs)
}

// appendAll checks every request for validity, then for ownership, before
// anything is stored.
func (h *Handler) appendAll(ctx context.Context, method string, rs []*chatlogt.AppendRequest) ([]*commont.Message, error) {
	drafts := make([]convlog.Draft, len(rs))
	for i, r := range rs {
		drafts[i] = draft(r)
	}
	// Validity first: ownership means nothing for a malformed draft.
	if err := convlog.CheckBatch(drafts); err != nil {
		return nil, h.fail(method, err)
	}
	for _, d := range drafts {
		if no := h.own.Check(d.Conv().ID); no != nil {
			return nil, no
		}
	}
	ms, err := h.log.Append(ctx, drafts)
	if err != nil {
		return nil, h.fail(method, err)
	}
	return messages(ms), nil
}

// History implements ChatlogService.
func (h *Handler) History(ctx context.Context, conv commont.ConversationId, before, after int64, limit int32) (*chatlogt.HistoryPage, error) {
	if err := h.owned(string(conv)); err != nil {
		return nil, h.fail("history", err)
	}
	p, err := h.log.History(ctx, string(conv), convlog.Cursor{Before: before, After: after, Limit: int(limit)})
	if err != nil {
		return nil, h.fail("history", err)
	}
	return &chatlogt.HistoryPage{Messages: messages(p.Messages), MoreBefore: p.MoreBefore, MoreAfter: p.MoreAfter}, nil
}

// Recent implements ChatlogService.
func (h *Handler) Recent(ctx context.Context, user commont.UserId, limit int32) ([]*chatlogt.ConversationSummary, error) {
	ss, err := h.log.Recent(ctx, int64(user), int(limit))
	if err != nil {
		return nil, h.fail("recent", err)
	}
	out := make([]*chatlogt.ConversationSummary, len(ss))
	for i, s := range ss {
		out[i] = summary(s)
	}
	return out, nil
}

// MarkRead implements ChatlogService.
func (h *Handler) MarkRead(ctx context.Context, user commont.UserId, conv commont.ConversationId, seq int64) error {
	if err := h.owned(string(conv)); err != nil {
		return h.fail("markRead", err)
	}
	return h.fail("markRead", h.log.MarkRead(ctx, int64(user), string(conv), seq))
}

// Since implements ChatlogService.
func (h *Handler) Since(ctx context.Context, user commont.UserId, sinceMs int64, limit int32) (*chatlogt.SincePage, error) {
	ms, more, err := h.log.Since(ctx, int64(user), time.UnixMilli(sinceMs), int(limit))
	if err != nil {
		return nil, h.fail("since", err)
	}
	return &chatlogt.SincePage{Messages: messages(ms), More: more}, nil
}

// owned checks that conv is well formed and owned here.
func (h *Handler) owned(conv string) error {
	if _, err := convlog.ParseConv(conv); err != nil {
		return err
	}
	if no := h.own.Check(conv); no != nil {
		return no
	}
	return nil
}

// errInternal is all a caller learns of an unexpected failure.
var errInternal = errors.New("internal error (logged by the chatlog instance)")

// fail maps err for the caller: domain validation to InvalidInput, NotOwner
// as is, anything else logged and made opaque.
func (h *Handler) fail(method string, err error) error {
	var ie *convlog.InvalidError
	var no *commont.NotOwner
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ie):
		return &commont.InvalidInput{Message: ie.Reason, Field: ie.Field}
	case errors.As(err, &no):
		return no
	}
	h.errlog.Error().Err(err).Str("method", method).Msg("chatlog call failed")
	return errInternal
}

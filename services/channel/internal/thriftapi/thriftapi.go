// Package thriftapi adapts the shard to the generated ChannelService: it
// converts types, and maps domain errors to the IDL's typed exceptions. Any
// other error reaches the caller as an opaque internal error.
package thriftapi

import (
	"context"
	"errors"

	"github.com/apache/thrift/lib/go/thrift"

	channelt "github.com/thriftchat/thriftchat/gen-go/channel"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/channel/internal/metrics"
	"github.com/thriftchat/thriftchat/services/channel/internal/shard"
)

// Handler implements channelt.ChannelService.
type Handler struct {
	shard   *shard.Shard
	pollURL string
	m       *metrics.Channel
}

var _ channelt.ChannelService = (*Handler)(nil)

// New returns a handler over s; pollURL is this instance's public poll URL
// (may be empty), handed to handshakes in UserState.
func New(s *shard.Shard, pollURL string, m *metrics.Channel) *Handler {
	return &Handler{shard: s, pollURL: pollURL, m: m}
}

// Processor wraps the handler for rpc.Listen.
func (h *Handler) Processor() thrift.TProcessor { return channelt.NewChannelServiceProcessor(h) }

var statusLabel = map[shard.Status]string{
	shard.Delivered: "ok", shard.NotOwner: "not_owner", shard.Overflow: "overflow", shard.Invalid: "invalid",
}

// Deliver enqueues each delivery on its user's queue.
func (h *Handler) Deliver(_ context.Context, deliveries []*channelt.Delivery) ([]*channelt.DeliverResult_, error) {
	ds := make([]shard.Delivery, len(deliveries))
	for i, d := range deliveries {
		ds[i] = shard.Delivery{User: int64(d.User), Payload: d.Payload}
	}
	outs, err := h.shard.Deliver(ds)
	if errors.Is(err, shard.ErrBatchTooLarge) {
		return nil, &commont.InvalidInput{Message: err.Error(), Field: "deliveries"}
	}
	if err != nil {
		return nil, err
	}
	// One backing array: the generated code wants pointers.
	res := make([]channelt.DeliverResult_, len(outs))
	ptrs := make([]*channelt.DeliverResult_, len(outs))
	for i, o := range outs {
		res[i] = toWire(ds[i].User, o)
		ptrs[i] = &res[i]
		h.m.Deliveries.WithLabelValues(statusLabel[o.Status]).Inc()
		if o.Status == shard.Overflow {
			h.m.Overflows.Inc()
		}
	}
	return ptrs, nil
}

func toWire(user int64, o shard.Outcome) channelt.DeliverResult_ {
	r := channelt.DeliverResult_{User: commont.UserId(user), Epoch: o.Epoch, Seq: o.Seq}
	switch o.Status {
	case shard.Delivered:
		r.Status = channelt.DeliverStatus_OK
	case shard.NotOwner:
		r.Status = channelt.DeliverStatus_NOT_OWNER
		r.OwnerId, r.OwnerAddr = o.Owner.ID, o.Owner.Addr
	case shard.Overflow:
		r.Status = channelt.DeliverStatus_OVERFLOW
	default:
		r.Status = channelt.DeliverStatus_INVALID
	}
	if o.Err != nil {
		r.Error = o.Err.Error()
	}
	return r
}

// State returns the user's queue state, creating the queue.
func (h *Handler) State(_ context.Context, user commont.UserId) (*channelt.UserState, error) {
	st, err := h.shard.State(int64(user))
	var no *shard.NotOwnerError
	switch {
	case errors.As(err, &no):
		return nil, &commont.NotOwner{Message: no.Error(), OwnerId: no.Owner.ID, OwnerAddr: no.Owner.Addr}
	case errors.Is(err, shard.ErrInvalidUser):
		return nil, &commont.InvalidInput{Message: err.Error(), Field: "user"}
	case err != nil:
		return nil, err
	}
	idle := int32(-1)
	if st.Connected {
		idle = int32(st.Idle.Seconds())
	}
	return &channelt.UserState{
		User: user, Epoch: st.Epoch, Seq: st.Seq, Pollers: int32(st.Pollers), Depth: int32(st.Depth),
		IdleSeconds: idle, PollUrl: h.pollURL,
	}, nil
}

// Connected lists the users connected to this instance now.
func (h *Handler) Connected(context.Context) ([]*channelt.Connection, error) {
	conns := h.shard.Connected()
	out := make([]*channelt.Connection, len(conns))
	for i, c := range conns {
		out[i] = &channelt.Connection{User: commont.UserId(c.User), IdleSeconds: int32(c.Idle.Seconds()), Pollers: int32(c.Pollers)}
	}
	return out, nil
}

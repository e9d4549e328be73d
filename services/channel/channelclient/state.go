package channelclient

import (
	"context"
	"errors"
	"fmt"

	channelt "github.com/thriftchat/thriftchat/gen-go/channel"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// State returns where user's queue stands on its owner, creating the queue:
// what a handshake gives the browser to start polling. An owner that
// answers NotOwner names the real one, which is asked once. A malformed user
// id fails with ErrInvalid; an owner that cannot be reached with
// ErrUnavailable.
func (c *Client) State(ctx context.Context, user int64) (State, error) {
	if user <= 0 {
		return State{}, fmt.Errorf("%w: user %d is not positive", ErrInvalid, user)
	}
	in, ok := c.res.View().Owner(discovery.HashUser(user))
	if !ok {
		return State{}, fmt.Errorf("state of user %d: %w: no channel instance in view", user, ErrUnavailable)
	}
	st, err := c.state(ctx, in.Addr, user)
	var no *commont.NotOwner
	if errors.As(err, &no) && no.OwnerAddr != "" && no.OwnerAddr != in.Addr {
		in = discovery.Instance{ID: no.OwnerId, Addr: no.OwnerAddr}
		st, err = c.state(ctx, in.Addr, user)
	}
	var inv *commont.InvalidInput
	switch {
	case errors.As(err, &inv):
		return State{}, fmt.Errorf("state of user %d: %w: %s", user, ErrInvalid, inv.Message)
	case err != nil:
		return State{}, fmt.Errorf("state of user %d at %s: %w: %w", user, in.Addr, ErrUnavailable, err)
	}
	return State{Epoch: st.Epoch, Seq: st.Seq, Owner: in.ID, PollURL: st.PollUrl}, nil
}

func (c *Client) state(ctx context.Context, addr string, user int64) (st *channelt.UserState, err error) {
	err = c.call(ctx, addr, func(ctx context.Context, cl *channelt.ChannelServiceClient) error {
		st, err = cl.State(ctx, commont.UserId(user))
		return err
	})
	return st, err
}

package channelclient

import (
	"context"
	"errors"
	"fmt"
	"sync"

	channelt "github.com/thriftchat/thriftchat/gen-go/channel"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// ErrInvalid marks a delivery refused as malformed (user id, payload).
var ErrInvalid = errors.New("invalid delivery")

// ErrOverflow marks a delivery refused because the user's queue was full.
var ErrOverflow = errors.New("user's queue full")

// Deliver sends each delivery to its user's owner: one batch per owner, all
// owners in parallel. An owner that answers NOT_OWNER (this client's view
// is behind) names the real owner, which is tried once. Results are in the
// order given; an owner that cannot be reached makes its users Unreachable
// without failing the others, so the error is only for a cancelled ctx.
func (c *Client) Deliver(ctx context.Context, ds []Delivery) ([]Result, error) {
	res := make([]Result, len(ds))
	v := c.res.View()
	groups := map[string][]int{}
	for i, d := range ds {
		res[i] = Result{User: d.User}
		switch {
		case d.User <= 0:
			res[i].Status, res[i].Err = Invalid, fmt.Errorf("%w: user %d is not positive", ErrInvalid, d.User)
		case len(d.Payload) > MaxPayload:
			res[i].Status, res[i].Err = Invalid, fmt.Errorf("%w: payload of %d bytes exceeds %d", ErrInvalid, len(d.Payload), MaxPayload)
		default:
			in, ok := v.Owner(discovery.HashUser(d.User))
			if !ok {
				res[i].Status, res[i].Err = Unreachable, fmt.Errorf("%w: no channel instance in view", ErrUnavailable)
				continue
			}
			groups[in.Addr] = append(groups[in.Addr], i)
		}
	}
	retry := c.send(ctx, ds, res, groups)
	if len(retry) > 0 {
		if again := c.send(ctx, ds, res, retry); len(again) > 0 {
			for _, idx := range again {
				for _, i := range idx {
					res[i].Status, res[i].Err = Unreachable, fmt.Errorf("%w: ownership of user %d is moving", ErrUnavailable, ds[i].User)
				}
			}
		}
	}
	return res, ctx.Err()
}

// send delivers each group to its address in parallel, filling res, and
// returns the deliveries answered NOT_OWNER grouped by the owner named.
func (c *Client) send(ctx context.Context, ds []Delivery, res []Result, groups map[string][]int) map[string][]int {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		moved = map[string][]int{}
	)
	for addr, idx := range groups {
		for len(idx) > 0 {
			chunk := cut(ds, &idx)
			// One goroutine per owner batch, owned by this call: send waits for all.
			wg.Go(func() {
				m := c.batch(ctx, addr, ds, res, chunk)
				mu.Lock()
				for owner, is := range m {
					moved[owner] = append(moved[owner], is...)
				}
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	return moved
}

// cut takes from *idx the next chunk that fits one deliver call.
func cut(ds []Delivery, idx *[]int) []int {
	n, size := 0, 0
	for _, i := range *idx {
		if n == maxBatch || (n > 0 && size+len(ds[i].Payload) > maxBatchBytes) {
			break
		}
		size += len(ds[i].Payload)
		n++
	}
	chunk := (*idx)[:n]
	*idx = (*idx)[n:]
	return chunk
}

// batch makes one deliver call; each result lands in res (distinct indexes
// per goroutine, so no lock). It returns NOT_OWNER answers by owner address.
func (c *Client) batch(ctx context.Context, addr string, ds []Delivery, res []Result, idx []int) map[string][]int {
	wire := make([]channelt.Delivery, len(idx))
	ptrs := make([]*channelt.Delivery, len(idx))
	for j, i := range idx {
		wire[j] = channelt.Delivery{User: commont.UserId(ds[i].User), Payload: string(ds[i].Payload)}
		ptrs[j] = &wire[j]
	}
	var out []*channelt.DeliverResult_
	err := c.call(ctx, addr, func(ctx context.Context, cl *channelt.ChannelServiceClient) (err error) {
		out, err = cl.Deliver(ctx, ptrs)
		return err
	})
	if err == nil && len(out) != len(idx) {
		err = fmt.Errorf("deliver to %s: %d results for %d deliveries", addr, len(out), len(idx))
	}
	if err != nil {
		for _, i := range idx {
			res[i].Status, res[i].Err = Unreachable, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return nil
	}
	moved := map[string][]int{}
	for j, i := range idx {
		r := out[j]
		res[i].Epoch, res[i].Seq = r.Epoch, r.Seq
		switch r.Status {
		case channelt.DeliverStatus_OK:
			res[i].Status, res[i].Err = Delivered, nil
		case channelt.DeliverStatus_OVERFLOW:
			res[i].Status, res[i].Err = Overflow, fmt.Errorf("%w: %s", ErrOverflow, r.Error)
		case channelt.DeliverStatus_NOT_OWNER:
			if r.OwnerAddr == "" || r.OwnerAddr == addr {
				res[i].Status, res[i].Err = Unreachable, fmt.Errorf("%w: %s names no other owner of user %d", ErrUnavailable, addr, ds[i].User)
				continue
			}
			moved[r.OwnerAddr] = append(moved[r.OwnerAddr], i)
		default:
			res[i].Status, res[i].Err = Invalid, fmt.Errorf("%w: %s", ErrInvalid, r.Error)
		}
	}
	return moved
}

// call runs fn on addr's pool under the per-owner timeout.
func (c *Client) call(ctx context.Context, addr string, fn func(context.Context, *channelt.ChannelServiceClient) error) error {
	p := c.pool(addr)
	if p == nil {
		return errors.New("client closed")
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return p.Call(ctx, fn)
}

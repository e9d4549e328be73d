package presenceclient

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// Get returns the presence of each user, in the order given. Owners are asked
// in parallel under one deadline (WithTimeout); the users of a shard that did
// not answer in time, or of an empty view, come back Unknown. The error is
// non-nil only for invalid input.
func (c *Client) Get(ctx context.Context, users []int64) ([]Presence, error) {
	if err := checkUsers(users); err != nil {
		return nil, err
	}
	out := make([]Presence, len(users))
	for i, u := range users {
		out[i] = Presence{User: u}
	}
	c.fanOut(ctx, users, func(ctx context.Context, s shard, part []commont.UserId, idx []int) error {
		var got []*presencet.Presence
		err := s.call(ctx, func(ctx context.Context, pc *presencet.PresenceServiceClient) (err error) {
			got, err = pc.MultiGet(ctx, part)
			return err
		})
		if err != nil {
			return err
		}
		if len(got) != len(part) {
			return fmt.Errorf("multiGet answered %d of %d users", len(got), len(part))
		}
		// Each part owns its positions of out: no two parts write the same slot.
		for j, p := range got {
			out[idx[j]] = fromWire(int64(part[j]), p)
		}
		return nil
	})
	return out, nil
}

// Changes returns the users whose state changed after since (0: all of them)
// and the version to pass as since next time.
//
// Versions are per shard (microseconds of the shard's clock), so the merged
// version is the least any shard answered: a shard that answered an older
// version than its peers then misses none of its later changes, at the price
// of its peers repeating the changes made between the two versions. When a
// shard fails, its users come back Unknown and the version does not move past
// since, so nothing it changed meanwhile is skipped once it answers again.
func (c *Client) Changes(ctx context.Context, users []int64, since int64) (version int64, changed []Presence, err error) {
	if len(users) == 0 {
		return since, nil, nil
	}
	if err := checkUsers(users); err != nil {
		return 0, nil, err
	}
	if since < 0 {
		return 0, nil, fmt.Errorf("%w: since %d is negative", ErrInvalid, since)
	}
	var mu sync.Mutex
	version = math.MaxInt64
	c.fanOut(ctx, users, func(ctx context.Context, s shard, part []commont.UserId, _ []int) error {
		var got *presencet.Changes
		err := s.call(ctx, func(ctx context.Context, pc *presencet.PresenceServiceClient) (err error) {
			got, err = pc.ChangedSince(ctx, part, since)
			if err == nil && got == nil {
				err = errors.New("changedSince answered nothing")
			}
			return err
		})
		// The parts merge into one answer: mu orders their appends.
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			version = min(version, since)
			for _, u := range part {
				changed = append(changed, Presence{User: int64(u)})
			}
			return err
		}
		version = min(version, got.Version)
		for _, p := range got.Changed {
			if p != nil {
				changed = append(changed, fromWire(int64(p.User), p))
			}
		}
		return nil
	})
	return version, changed, nil
}

// shard is one owner, as one part of a read calls it.
type shard struct {
	c    *Client
	view *discovery.View
	addr string
}

// call runs fn on a pooled connection to the shard.
func (s shard) call(ctx context.Context, fn func(context.Context, *presencet.PresenceServiceClient) error) error {
	if s.addr == "" {
		return fmt.Errorf("read: %w: no presence instance in view", ErrUnavailable)
	}
	p := s.c.pool(s.view, s.addr)
	if p == nil {
		return fmt.Errorf("read %s: %w: client closed", s.addr, ErrUnavailable)
	}
	if err := p.Call(ctx, fn); err != nil {
		return fmt.Errorf("read %s: %w", s.addr, mapErr(err))
	}
	return nil
}

// part reads one call's share of users from s; idx are their positions in
// the caller's list.
type part func(ctx context.Context, s shard, users []commont.UserId, idx []int) error

// fanOut splits users by owner and by MaxGet, runs fn for every part in
// parallel under the read deadline, and waits for all of them. The users of
// an empty view form one part with no shard to call, which fails.
func (c *Client) fanOut(ctx context.Context, users []int64, fn part) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	v := c.res.View()
	var wg sync.WaitGroup
	for addr, idx := range owners(v, users) {
		for len(idx) > 0 {
			chunk := idx[:min(len(idx), MaxGet)]
			idx = idx[len(chunk):]
			ids := make([]commont.UserId, len(chunk))
			for j, i := range chunk {
				ids[j] = commont.UserId(users[i])
			}
			// Owned by this call: fanOut waits, and the deadline bounds it.
			wg.Go(func() {
				if err := fn(ctx, shard{c, v, addr}, ids, chunk); err != nil && c.onError != nil {
					c.onError(addr, err)
				}
			})
		}
	}
	wg.Wait()
}

// checkUsers rejects ids the presence tier never stores.
func checkUsers(users []int64) error {
	for _, u := range users {
		if u <= 0 {
			return fmt.Errorf("%w: user id %d is not positive", ErrInvalid, u)
		}
	}
	return nil
}

// mapErr turns the typed InvalidInput into ErrInvalid and anything else
// (transport, deadline, internal error) into ErrUnavailable.
func mapErr(err error) error {
	var x *commont.InvalidInput
	if errors.As(err, &x) {
		return fmt.Errorf("%w: %s (field %q)", ErrInvalid, x.Message, x.Field)
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

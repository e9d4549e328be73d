package chatlogclient

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
)

// Recent returns user's conversations, newest activity first, at most limit
// (1 to 100). Conversations are spread over every instance, so each is asked
// and the answers merged. If some instances fail, the error wraps
// ErrUnavailable and the summaries are what the others answered.
func (c *Client) Recent(ctx context.Context, user int64, limit int) ([]Summary, error) {
	var mu sync.Mutex
	var out []Summary
	err := c.all(ctx, "recent", func(ctx context.Context, cl *chatlogt.ChatlogServiceClient) error {
		got, err := cl.Recent(ctx, commont.UserId(user), clamp32(limit))
		mu.Lock()
		defer mu.Unlock()
		for _, s := range got {
			out = append(out, Summary{
				Conversation: string(s.Conversation), Peer: int64(s.Peer), Last: message(s.Last),
				Unread: int(s.Unread), ReadSeq: s.ReadSeq,
			})
		}
		return err
	})
	slices.SortFunc(out, func(a, b Summary) int {
		return cmp.Or(b.Last.SentAt.Compare(a.Last.SentAt), cmp.Compare(a.Conversation, b.Conversation))
	})
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, err
}

// Since returns messages to or from user stored after since (server time),
// oldest first, at most limit (1 to 1,000) unless one millisecond alone holds
// more. more reports that the answer was cut: ask again from the SentAt of the
// last message. A page never ends in the middle of a millisecond, so nothing
// is skipped. Unlike Recent, any failing instance fails the call: a partial
// answer would look like a filled gap.
func (c *Client) Since(ctx context.Context, user int64, since time.Time, limit int) ([]Message, bool, error) {
	var mu sync.Mutex
	var pages []*chatlogt.SincePage
	err := c.all(ctx, "since", func(ctx context.Context, cl *chatlogt.ChatlogServiceClient) error {
		p, err := cl.Since(ctx, commont.UserId(user), since.UnixMilli(), clamp32(limit))
		if err == nil {
			mu.Lock()
			pages = append(pages, p)
			mu.Unlock()
		}
		return err
	})
	if err != nil {
		return nil, false, err
	}
	ms, more := mergeSince(pages, limit)
	return ms, more, nil
}

// mergeSince merges per-instance pages. An instance that was cut may hold
// unseen messages right after its last one, so the merge stops at the
// earliest such cut; then it applies limit without splitting a millisecond.
func mergeSince(pages []*chatlogt.SincePage, limit int) ([]Message, bool) {
	var all []Message
	more, cut := false, int64(0)
	for _, p := range pages {
		ms := p.GetMessages()
		if p.GetMore() && len(ms) > 0 {
			if last := ms[len(ms)-1].SentAtMs; !more || last < cut {
				cut = last
			}
			more = true
		}
		all = append(all, messages(ms)...)
	}
	slices.SortFunc(all, func(a, b Message) int {
		return cmp.Or(a.SentAt.Compare(b.SentAt), cmp.Compare(a.Conversation, b.Conversation), cmp.Compare(a.Seq, b.Seq))
	})
	if more {
		all = slices.DeleteFunc(all, func(m Message) bool { return m.SentAt.UnixMilli() > cut })
	}
	if limit <= 0 || len(all) <= limit {
		return all, more
	}
	edge := all[limit].SentAt
	n := limit
	for n > 0 && all[n-1].SentAt.Equal(edge) {
		n--
	}
	if n == 0 { // one millisecond holds more than limit: give all of it
		for n < len(all) && all[n].SentAt.Equal(edge) {
			n++
		}
	}
	return all[:n], true
}

// all calls fn on every instance in the current view in parallel and joins
// their errors.
func (c *Client) all(ctx context.Context, method string, fn func(context.Context, *chatlogt.ChatlogServiceClient) error) error {
	view := c.res.View()
	insts := view.Instances()
	if len(insts) == 0 {
		return fmt.Errorf("%w: %s: no chatlog instance", ErrUnavailable, method)
	}
	errs := make([]error, len(insts))
	var wg sync.WaitGroup
	for i, in := range insts {
		wg.Add(1)
		// One goroutine per instance, owned by this call, which waits for all.
		go func() {
			defer wg.Done()
			errs[i] = c.call(ctx, view, method, in.Addr, fn)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

package presenceclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// Report tells the presence tier that the entries' users are connected to
// reporter, which reports every interval. Entries are grouped by owner and
// each owner gets its share in one call (more if it exceeds a frame), all
// owners in parallel. Owners that failed are named in the joined error; the
// others took their entries. There is no retry: the next round refills.
func (c *Client) Report(ctx context.Context, reporter string, interval time.Duration, entries []Entry) error {
	if err := checkReport(reporter, interval, entries); err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	v := c.res.View()
	if v.Len() == 0 {
		return fmt.Errorf("report %d entries: %w: no presence instance in view", len(entries), ErrUnavailable)
	}
	// One backing array for every entry: the generated client wants pointers.
	wire := make([]presencet.ReportEntry, len(entries))
	users := make([]int64, len(entries))
	for i, e := range entries {
		wire[i] = presencet.ReportEntry{User: commont.UserId(e.User), IdleSeconds: int32(e.Idle / time.Second)}
		users[i] = e.User
	}
	ms := int32(interval / time.Millisecond)

	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for addr, idx := range owners(v, users) {
		batch := make([]*presencet.ReportEntry, len(idx))
		for j, i := range idx {
			batch[j] = &wire[i]
		}
		// One goroutine per owner, owned by this call: Report waits for all.
		wg.Go(func() {
			if err := c.reportTo(ctx, v, addr, reporter, ms, batch); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// reportTo sends one owner its batch, in frame-sized chunks, in order.
func (c *Client) reportTo(ctx context.Context, v *discovery.View, addr, reporter string, ms int32, batch []*presencet.ReportEntry) error {
	p := c.pool(v, addr)
	if p == nil {
		return fmt.Errorf("report to %s: %w: client closed", addr, ErrUnavailable)
	}
	for len(batch) > 0 {
		chunk := batch[:min(len(batch), reportChunk)]
		batch = batch[len(chunk):]
		cctx, cancel := context.WithTimeout(ctx, c.reportTimeout)
		err := p.Call(cctx, func(ctx context.Context, pc *presencet.PresenceServiceClient) error {
			_, err := pc.Report(ctx, reporter, ms, chunk)
			return err
		})
		cancel()
		if err != nil {
			return fmt.Errorf("report %d entries to %s: %w", len(chunk), addr, mapErr(err))
		}
	}
	return nil
}

// checkReport applies the contract's limits before anything is sent, so a bad
// batch fails whole and at once instead of shard by shard.
func checkReport(reporter string, interval time.Duration, entries []Entry) error {
	switch {
	case reporter == "" || len(reporter) > MaxReporterLen:
		return fmt.Errorf("%w: reporter must be 1 to %d bytes, got %d", ErrInvalid, MaxReporterLen, len(reporter))
	case interval < MinInterval || interval > MaxInterval:
		return fmt.Errorf("%w: interval %v outside [%v, %v]", ErrInvalid, interval, MinInterval, MaxInterval)
	}
	for _, e := range entries {
		if e.User <= 0 {
			return fmt.Errorf("%w: user id %d is not positive", ErrInvalid, e.User)
		}
		if e.Idle < 0 || e.Idle > MaxIdle {
			return fmt.Errorf("%w: user %d idle %v outside [0, %v]", ErrInvalid, e.User, e.Idle, MaxIdle)
		}
	}
	return nil
}

package longpoll

import (
	"context"
	"time"
)

// drainTick is how often Drain answers the polls that have come due.
const drainTick = 10 * time.Millisecond

// Drain refuses new polls (503) and answers every parked poll, closing its
// connection, spread evenly over window so that browsers reconnect (to the
// new owner of their user, once this instance has left the view) without a
// storm. Polls with news get it; the others get "continue". If ctx ends
// first, the rest are answered at once.
func (s *Server) Drain(ctx context.Context, window time.Duration) error {
	s.draining.Store(true)
	polls := s.lot.snapshot()
	if len(polls) == 0 {
		return nil
	}
	start := time.Now()
	tick := time.NewTicker(drainTick)
	defer tick.Stop()
	next := 0
	for {
		due := len(polls)
		if window > 0 {
			due = min(len(polls), int(int64(len(polls))*int64(time.Since(start))/int64(window))+1)
		}
		for ; next < due; next++ {
			polls[next].end(reasonDrain)
		}
		if next == len(polls) {
			return nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			for _, p := range polls[next:] {
				p.end(reasonDrain)
			}
			return ctx.Err()
		}
	}
}

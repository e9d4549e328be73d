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
// storm. Polls with news get it; the others get "continue". Idle
// connections, with no poll waiting, are closed at once. If ctx ends first,
// the rest are answered at once.
func (s *Server) Drain(ctx context.Context, window time.Duration) error {
	s.draining.Store(true)
	var parked []*pconn
	for _, pc := range s.lot.snapshot() {
		switch pc.state.Load() {
		case stateParked:
			parked = append(parked, pc)
		case stateIdle:
			if pc.state.CompareAndSwap(stateIdle, stateReading) {
				pc.close()
			}
		}
	}
	if len(parked) == 0 {
		return nil
	}
	start := time.Now()
	tick := time.NewTicker(drainTick)
	defer tick.Stop()
	next := 0
	for {
		due := len(parked)
		if window > 0 {
			due = min(len(parked), int(int64(len(parked))*int64(time.Since(start))/int64(window))+1)
		}
		for ; next < due; next++ {
			parked[next].end(reasonDrain)
		}
		if next == len(parked) {
			return nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			for _, pc := range parked[next:] {
				pc.end(reasonDrain)
			}
			return ctx.Err()
		}
	}
}

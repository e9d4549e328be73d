package loadgen

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// span is a run of message ids handed to one publish call.
type span struct{ from, to int }

// publish sends the messages at the configured rate: every BatchEvery the
// pacer hands the ids now due, in spans of at most MaxBatch, to the
// publishers. Each message goes to user id%N+1, stamped with the time its
// publish call starts.
func (g *gen) publish(ctx context.Context) (sent, rejected int64, took time.Duration, err error) {
	pubs := make([]publisher, g.cfg.Publishers)
	for i := range pubs {
		if pubs[i], err = g.cfg.Target.publisher(); err != nil {
			for _, p := range pubs[:i] {
				p.close()
			}
			return 0, 0, 0, err
		}
	}
	var rej, sentN atomic.Int64
	jobs := make(chan span) // unbuffered: a busy publisher slows the pacer, which then hands bigger spans
	var wg sync.WaitGroup
	for _, p := range pubs {
		wg.Go(func() {
			defer p.close()
			for s := range jobs {
				users, payloads := g.batch(s)
				r, err := p.publish(ctx, users, payloads)
				g.fail(err)
				rej.Add(int64(r))
				sentN.Add(int64(s.to - s.from))
			}
		})
	}
	start := time.Now()
	tick := time.NewTicker(g.cfg.BatchEvery)
	for next := 0; next < g.cfg.Messages && ctx.Err() == nil; {
		<-tick.C
		due := min(g.cfg.Messages, int(time.Since(start).Seconds()*float64(g.cfg.Rate)))
		for next < due {
			n := min(due-next, g.cfg.MaxBatch)
			jobs <- span{next, next + n}
			next += n
		}
	}
	tick.Stop()
	close(jobs)
	wg.Wait()
	return sentN.Load(), rej.Load(), time.Since(start), ctx.Err()
}

// batch builds the users and payloads of a span.
func (g *gen) batch(s span) ([]int64, [][]byte) {
	users := make([]int64, 0, s.to-s.from)
	payloads := make([][]byte, 0, s.to-s.from)
	now := strconv.AppendInt(nil, time.Now().UnixNano(), 10)
	for id := s.from; id < s.to; id++ {
		users = append(users, int64(id%g.cfg.Users+1))
		p := append([]byte(`{"i":`), strconv.Itoa(id)...)
		p = append(append(append(p, `,"t":`...), now...), '}')
		payloads = append(payloads, p)
	}
	return users, payloads
}

// percentiles of the first-receipt latencies, in milliseconds.
func (g *gen) percentiles() (p50, p99, p999 float64) {
	var lat []int64
	for i := range g.seen {
		if g.seen[i].Load() > 0 {
			lat = append(lat, g.latency[i].Load())
		}
	}
	if len(lat) == 0 {
		return 0, 0, 0
	}
	slices.Sort(lat)
	at := func(q float64) float64 { return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))]) / 1e6 }
	return at(0.50), at(0.99), at(0.999)
}

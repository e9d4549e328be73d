package main

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/presence/internal/table"
	"github.com/thriftchat/thriftchat/services/presence/internal/thriftapi"
)

// quantiles are latency percentiles.
type quantiles struct{ p50, p99 time.Duration }

func quantilesOf(ds []time.Duration) quantiles {
	slices.Sort(ds)
	at := func(q float64) time.Duration { return ds[int(q*float64(len(ds)-1))].Round(time.Microsecond) }
	return quantiles{at(0.50), at(0.99)}
}

// randomIDs picks k distinct online users of 1..n.
func randomIDs(n, k int) []int64 {
	out := make([]int64, k)
	for i := range out {
		out[i] = int64(rand.IntN(n) + 1)
	}
	return out
}

func measureInProcess(tab *table.Table, n, gets, k int) quantiles {
	out := make([]table.Presence, 0, k)
	ds := make([]time.Duration, gets)
	for i := range ds {
		ids := randomIDs(n, k)
		start := time.Now()
		out = tab.Get(ids, out[:0])
		ds[i] = time.Since(start)
	}
	return quantilesOf(ds)
}

// wireFigures are the over-Thrift measurements.
type wireFigures struct {
	get, poll  quantiles
	smallPoll  quantiles // changedSince of smallPoll ids, nothing changed
	pollRate   float64   // the same calls/s from pollers callers at once
	reportRate float64
}

// pollers is how many callers the throughput figure runs at once.
const pollers = 8

// smallPoll is one shard's share of a 100-friend buddy list over 4 shards.
const smallPoll = 25

// measureThrift serves tab on a loopback port with the service's own server
// and adapter, and times calls from one pooled client, one at a time.
func measureThrift(tab *table.Table, n, gets, k int) (wireFigures, error) {
	var f wireFigures
	srv, err := rpc.Listen("127.0.0.1:0", thriftapi.New(tab, nil).Processor(), rpc.ServerOptions{Log: zerolog.Nop()})
	if err != nil {
		return f, err
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	defer func() { srv.Shutdown(context.Background()); <-done }()
	pool := rpc.NewPool(srv.Addr().String(), presencet.NewPresenceServiceClient)
	defer pool.Close()
	ctx := context.Background()

	time1 := func(call func(context.Context, *presencet.PresenceServiceClient) error) (time.Duration, error) {
		start := time.Now()
		err := pool.Call(ctx, call)
		return time.Since(start), err
	}
	var since int64
	getDs, pollDs := make([]time.Duration, gets), make([]time.Duration, gets)
	for i := -gets / 10; i < gets; i++ { // the first tenth warms up, untimed
		ids := toWire(randomIDs(n, k))
		dg, err := time1(func(ctx context.Context, c *presencet.PresenceServiceClient) error {
			_, err := c.MultiGet(ctx, ids)
			return err
		})
		if err != nil {
			return f, err
		}
		dp, err := time1(func(ctx context.Context, c *presencet.PresenceServiceClient) error {
			ch, err := c.ChangedSince(ctx, ids, since)
			if err == nil && i >= 0 {
				since = ch.Version
			}
			return err
		})
		if err != nil {
			return f, err
		}
		if i >= 0 {
			getDs[i], pollDs[i] = dg, dp
		}
		since = time.Now().UnixMicro() // later polls ask since now: nothing changed
	}
	f.get, f.poll = quantilesOf(getDs), quantilesOf(pollDs)
	future := time.Now().Add(time.Hour).UnixMicro()
	for i := -gets / 10; i < gets; i++ {
		ids := toWire(randomIDs(n, smallPoll))
		d, err := time1(func(ctx context.Context, c *presencet.PresenceServiceClient) error {
			_, err := c.ChangedSince(ctx, ids, future)
			return err
		})
		if err != nil {
			return f, err
		}
		if i >= 0 {
			pollDs[i] = d
		}
	}
	f.smallPoll = quantilesOf(pollDs)
	f.pollRate = throughput(pool, n, future)

	reports := batches(min(n, 200_000), 10_000)
	wire := make([][]*presencet.ReportEntry, len(reports))
	for i, es := range reports {
		wire[i] = make([]*presencet.ReportEntry, len(es))
		for j, e := range es {
			wire[i][j] = &presencet.ReportEntry{User: commont.UserId(e.User), IdleSeconds: int32(e.Idle / time.Second)}
		}
	}
	start, sent := time.Now(), 0
	for _, w := range wire {
		if _, err := time1(func(ctx context.Context, c *presencet.PresenceServiceClient) error {
			_, err := c.Report(ctx, "chan-1", 5000, w)
			return err
		}); err != nil {
			return f, err
		}
		sent += len(w)
	}
	f.reportRate = rate(sent, time.Since(start))
	return f, nil
}

func toWire(ids []int64) []commont.UserId {
	out := make([]commont.UserId, len(ids))
	for i, id := range ids {
		out[i] = commont.UserId(id)
	}
	return out
}

// throughput runs pollers callers of changedSince(smallPoll ids) for two
// seconds and returns calls per second. Callers and server share the box.
func throughput(pool *rpc.Pool[*presencet.PresenceServiceClient], n int, since int64) float64 {
	var calls atomic.Int64
	stop := time.Now().Add(2 * time.Second)
	var wg sync.WaitGroup
	for range pollers {
		wg.Go(func() {
			ids := toWire(randomIDs(n, smallPoll))
			for time.Now().Before(stop) {
				err := pool.Call(context.Background(), func(ctx context.Context, c *presencet.PresenceServiceClient) error {
					_, err := c.ChangedSince(ctx, ids, since)
					return err
				})
				if err == nil {
					calls.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return rate(int(calls.Load()), 2*time.Second)
}

package pebblestore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
	"github.com/thriftchat/thriftchat/services/chatlog/internal/storetest"
)

// BenchmarkAppend measures durable appends on a real disk without Thrift:
// 64 concurrent callers, 1,000 conversations, 100-byte texts. It reports
// appends/s and the p99 latency of one append, with group commit and with
// one fsync per append.
func BenchmarkAppend(b *testing.B) {
	for _, maxBatch := range []int{DefaultMaxBatch, 1} {
		b.Run(fmt.Sprint("max-batch=", maxBatch), func(b *testing.B) {
			s, err := Open(Options{Dir: b.TempDir(), MaxBatch: maxBatch, Log: zerolog.Nop()})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			const callers = 64
			text := string(make([]byte, 100))
			var next atomic.Int64
			lats := make([][]time.Duration, callers)
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for c := range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
						a := i%1000 + 1
						t0 := time.Now()
						_, err := s.Append(context.Background(), []convlog.Draft{{Sender: a, Recipient: a + 1_000_000, Text: text, ClientMsgID: fmt.Sprint(i)}})
						if err != nil {
							b.Error(err)
							return
						}
						lats[c] = append(lats[c], time.Since(t0))
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			all := slices.Concat(lats...)
			slices.Sort(all)
			if len(all) > 0 {
				b.ReportMetric(float64(len(all))/elapsed.Seconds(), "appends/s")
				b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
			}
		})
	}
}

// BenchmarkLoadFilter measures what a restart pays to rebuild the dedupe
// filter: one pass over a million idempotency keys, flushed to tables as a
// long-running store would have them.
func BenchmarkLoadFilter(b *testing.B) {
	const keys = 1_000_000
	db, err := pebble.Open(b.TempDir(), &pebble.Options{Logger: logger{zerolog.Nop()}})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	batch := db.NewBatch()
	for i := range keys {
		a := int64(i%1000 + 1)
		batch.Set(dedupeKey(convlog.Direct(a, a+1_000_000).ID, a, fmt.Sprintf("%x-%d", i*7919, i)), put64(nil, int64(i)), nil)
		if batch.Count() == 10_000 {
			if err := batch.Commit(pebble.NoSync); err != nil {
				b.Fatal(err)
			}
			batch.Close()
			batch = db.NewBatch()
		}
	}
	if err := batch.Commit(pebble.NoSync); err != nil {
		b.Fatal(err)
	}
	batch.Close()
	if err := db.Flush(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		f, err := loadFilter(db, zerolog.Nop())
		if err != nil || f.keys() != keys {
			b.Fatalf("loaded %d keys, %v; want %d", f.keys(), err, keys)
		}
	}
	b.ReportMetric(float64(keys)*float64(b.N)/b.Elapsed().Seconds(), "keys/s")
}

// BenchmarkSince measures a gap fill: a user with 200 conversations, each
// with a message every 6 s for 10 minutes (20,000 messages), asks for what
// arrived in the last minute (2,000 messages, in pages of 500).
func BenchmarkSince(b *testing.B) {
	clock := &storetest.Clock{}
	t0 := time.UnixMilli(1_700_000_000_000)
	s, err := Open(Options{Dir: b.TempDir(), Clock: clock.Now, Log: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const me, peers, rounds = 1, 200, 100
	ctx := context.Background()
	for r := range rounds {
		clock.Set(t0.Add(time.Duration(r) * 6 * time.Second))
		var ds []convlog.Draft
		for p := range peers {
			ds = append(ds, convlog.Draft{Sender: me, Recipient: int64(100 + p), Text: "hello there", ClientMsgID: fmt.Sprint(r, "-", p)})
		}
		for len(ds) > 0 { // appends take at most convlog.MaxBatch
			n := min(len(ds), convlog.MaxBatch)
			if _, err := s.Append(ctx, ds[:n]); err != nil {
				b.Fatal(err)
			}
			ds = ds[n:]
		}
	}
	since := t0.Add(time.Duration(rounds-10)*6*time.Second - time.Millisecond)
	b.ResetTimer()
	for range b.N {
		got, from := 0, since
		for {
			p, err := s.Since(ctx, me, from, 500)
			if err != nil {
				b.Fatal(err)
			}
			got += len(p.Messages)
			if !p.More {
				break
			}
			from = p.Messages[len(p.Messages)-1].SentAt
		}
		if got != 10*peers {
			b.Fatalf("since found %d messages; want %d", got, 10*peers)
		}
	}
}

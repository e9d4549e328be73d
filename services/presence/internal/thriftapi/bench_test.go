package thriftapi_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/presence/internal/shardtest"
	"github.com/thriftchat/thriftchat/services/presence/internal/table"
)

// benchShard serves a table of n online users over loopback.
func benchShard(b *testing.B, n int) *rpc.Pool[*client] {
	s := shardtest.Start(b, shardtest.Config())
	batch := make([]table.Entry, 0, 10_000)
	for u := 1; u <= n; u++ {
		batch = append(batch, table.Entry{User: int64(u)})
		if len(batch) == cap(batch) || u == n {
			if _, err := s.Table.Report("chan-1", 5*time.Second, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	p := rpc.NewPool(s.Addr(), presencet.NewPresenceServiceClient)
	b.Cleanup(func() { p.Close() })
	return p
}

func randomUsers(n, k int) []commont.UserId {
	out := make([]commont.UserId, k)
	for i := range out {
		out[i] = commont.UserId(rand.IntN(n) + 1)
	}
	return out
}

// BenchmarkMultiGet1000 times multiGet of 1,000 users of 100,000 over
// loopback Thrift, one call at a time.
func BenchmarkMultiGet1000(b *testing.B) {
	p := benchShard(b, 100_000)
	ids := randomUsers(100_000, 1000)
	ctx := context.Background()
	for b.Loop() {
		if err := p.Call(ctx, func(ctx context.Context, c *client) error {
			_, err := c.MultiGet(ctx, ids)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChangedSinceNothing1000 is the common buddy-list poll: 1,000
// users, none changed.
func BenchmarkChangedSinceNothing1000(b *testing.B) {
	p := benchShard(b, 100_000)
	ids := randomUsers(100_000, 1000)
	ctx := context.Background()
	since := time.Now().Add(time.Hour).UnixMicro()
	for b.Loop() {
		if err := p.Call(ctx, func(ctx context.Context, c *client) error {
			_, err := c.ChangedSince(ctx, ids, since)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

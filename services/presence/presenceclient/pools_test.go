package presenceclient

import (
	"context"
	"slices"
	"testing"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/presence/internal/shardtest"
)

// TestPoolsFollowTheView: pools to instances that left the view are closed
// on the first call that sees the newer view, so a churning tier leaks no
// connections.
func TestPoolsFollowTheView(t *testing.T) {
	a, b := shardtest.Start(t, shardtest.Config()), shardtest.Start(t, shardtest.Config())
	res := discovery.NewStatic(a.Instance(), b.Instance())
	c := New(res)
	defer c.Close()
	users := make([]int64, 100)
	for i := range users {
		users[i] = int64(i + 1)
	}
	npools := func() int { return len(c.pools.Addrs()) }
	c.Get(context.Background(), users)
	if n := npools(); n != 2 {
		t.Fatalf("after a read over two shards: %d pools; want 2", n)
	}
	res.Set(b.Instance())
	c.Get(context.Background(), users)
	kept := slices.Contains(c.pools.Addrs(), a.Addr())
	if n := npools(); n != 1 || kept {
		t.Fatalf("after %s left the view: %d pools (its own kept: %v); want 1", a.Addr(), n, kept)
	}
	c.Close()
	if n := npools(); n != 0 {
		t.Fatalf("after Close: %d pools", n)
	}
}

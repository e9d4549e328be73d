package thriftapi

import (
	"context"
	"testing"

	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
	"github.com/thriftchat/thriftchat/services/chatlog/internal/pebblestore"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/logtest"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// node is one chatlog instance: an in-memory store behind a real Thrift
// server on 127.0.0.1:0.
type node struct {
	addr   string
	store  *pebblestore.Store
	errlog *logtest.Buffer
	pool   *rpc.Pool[*chatlogt.ChatlogServiceClient]
}

// cluster starts n instances that all follow one static view of the n.
func cluster(t *testing.T, n int) ([]*node, *discovery.Static) {
	t.Helper()
	res := discovery.NewStatic()
	var nodes []*node
	var insts []discovery.Instance
	for range n {
		store, err := pebblestore.Open(pebblestore.Options{InMemory: true, Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		nd := &node{store: store, errlog: &logtest.Buffer{}}
		own := &Ownership{}
		h := New(convlog.New(store), own, zerolog.New(nd.errlog))
		srv, err := rpc.Listen("127.0.0.1:0", h.Processor(), rpc.ServerOptions{Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		nd.addr = srv.Addr().String()
		own.Bind(res, nd.addr)
		nd.pool = rpc.NewPool(nd.addr, chatlogt.NewChatlogServiceClient)
		done := make(chan error, 1)
		go func() { done <- srv.Serve() }()
		t.Cleanup(func() {
			nd.pool.Close()
			srv.Shutdown(context.Background())
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
			store.Close()
		})
		nodes = append(nodes, nd)
		insts = append(insts, discovery.Instance{ID: "chatlog-" + nd.addr, Service: "chatlog", Addr: nd.addr})
	}
	res.Set(insts...)
	return nodes, res
}

// call runs fn on a raw generated client of nd.
func (nd *node) call(t *testing.T, fn func(c *chatlogt.ChatlogServiceClient) error) error {
	t.Helper()
	return nd.pool.Call(context.Background(), func(ctx context.Context, c *chatlogt.ChatlogServiceClient) error { return fn(c) })
}

// count is how many messages nd holds in conv.
func (nd *node) count(t *testing.T, conv string) int {
	t.Helper()
	c, err := convlog.ParseConv(conv)
	if err != nil {
		t.Fatal(err)
	}
	p, err := nd.store.History(context.Background(), c, convlog.Newest(convlog.MaxHistory))
	if err != nil {
		t.Fatal(err)
	}
	return len(p.Messages)
}

// ownedBy finds a direct conversation, starting from user from, that the
// view assigns to addr.
func ownedBy(t *testing.T, res discovery.Resolver, addr string, from int64) (int64, int64) {
	t.Helper()
	for u := from; u < from+1000; u++ {
		if o, _ := res.View().Owner(discovery.HashString(convlog.Direct(u, u+1).ID)); o.Addr == addr {
			return u, u + 1
		}
	}
	t.Fatalf("no conversation owned by %s", addr)
	return 0, 0
}

package channelclient

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	channelt "github.com/thriftchat/thriftchat/gen-go/channel"
	"github.com/thriftchat/thriftchat/services/channel/internal/metrics"
	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/channel/internal/shard"
	"github.com/thriftchat/thriftchat/services/channel/internal/thriftapi"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
)

// tier is n real channel instances (shard + Thrift server) that all see
// the same static view of the tier.
type tier struct {
	insts  []discovery.Instance
	shards []*shard.Shard
	regs   []*prometheus.Registry
	calls  []*counting
	view   *discovery.Static
}

func startTier(t *testing.T, n int) *tier {
	t.Helper()
	tr := &tier{view: discovery.NewStatic()}
	apis := make([]thriftapi.Handler, n)
	tr.calls = make([]*counting, n)
	srvs := make([]*rpc.Server, n)
	for i := range n {
		reg := prometheus.NewRegistry()
		srv, err := rpc.Listen("127.0.0.1:0", channelt.NewChannelServiceProcessor(tr.count(i, &apis[i])), rpc.ServerOptions{Log: zerolog.Nop(), Metrics: reg})
		if err != nil {
			t.Fatal(err)
		}
		srvs[i] = srv
		tr.regs = append(tr.regs, reg)
		addr := srv.Addr().String()
		tr.insts = append(tr.insts, discovery.Instance{ID: fmt.Sprintf("chan-%d", i), Addr: addr,
			Meta: map[string]string{discovery.MetaPollURL: "http://poll/" + addr}})
	}
	tr.view.Set(tr.insts...)
	for i := range n {
		hub := queue.NewHub(queue.DefaultLimits())
		sh := shard.New(shard.Options{Self: tr.insts[i].Addr, Resolver: tr.view, Hub: hub})
		tr.shards = append(tr.shards, sh)
		apis[i] = *thriftapi.New(sh, tr.insts[i].Meta[discovery.MetaPollURL], metrics.New(tr.regs[i], hub))
		served := make(chan error, 1)
		go func() { served <- srvs[i].Serve() }()
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srvs[i].Shutdown(ctx)
			if err := <-served; err != nil {
				t.Error(err)
			}
		})
	}
	return tr
}

// owner is the index of user's owner in the tier.
func (tr *tier) owner(user int64) int {
	in, _ := tr.view.View().Owner(discovery.HashUser(user))
	for i, x := range tr.insts {
		if x.ID == in.ID {
			return i
		}
	}
	return -1
}

// deliverCalls counts the deliver calls instance i served.
func (tr *tier) deliverCalls(t *testing.T, i int) int { return int(tr.calls[i].delivers.Load()) }

// counting counts deliver calls before serving them, so a count read after
// the reply is never short.
type counting struct {
	channelt.ChannelService
	delivers atomic.Int64
}

func (c *counting) Deliver(ctx context.Context, ds []*channelt.Delivery) ([]*channelt.DeliverResult_, error) {
	c.delivers.Add(1)
	return c.ChannelService.Deliver(ctx, ds)
}

func (tr *tier) count(i int, h channelt.ChannelService) *counting {
	tr.calls[i] = &counting{ChannelService: h}
	return tr.calls[i]
}

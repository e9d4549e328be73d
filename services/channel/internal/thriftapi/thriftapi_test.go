package thriftapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	channelt "github.com/thriftchat/thriftchat/gen-go/channel"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/channel/internal/metrics"
	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/channel/internal/shard"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type client = rpc.Pool[*channelt.ChannelServiceClient]

// serve runs a real Thrift server for a shard that owns users whose owner in
// view {self, other} is self, and returns a client pool for it.
func serve(t *testing.T) (*client, *shard.Shard, *metrics.Channel, discovery.Instance) {
	t.Helper()
	srvReg := prometheus.NewRegistry()
	// The address is only known once bound: build the shard afterwards.
	var h Handler
	srv, err := rpc.Listen("127.0.0.1:0", channelt.NewChannelServiceProcessor(&h), rpc.ServerOptions{Log: zerolog.Nop(), Metrics: srvReg})
	if err != nil {
		t.Fatal(err)
	}
	self := discovery.Instance{ID: "self", Addr: srv.Addr().String()}
	other := discovery.Instance{ID: "other", Addr: "192.0.2.1:9101"}
	hub := queue.NewHub(queue.DefaultLimits())
	sh := shard.New(shard.Options{Self: self.Addr, Resolver: discovery.NewStatic(self, other), Hub: hub})
	m := metrics.New(srvReg, hub)
	h = *New(sh, "https://chat.example.com/channel-1", m)
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	pool := rpc.NewPool(srv.Addr().String(), channelt.NewChannelServiceClient)
	t.Cleanup(func() {
		pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		if err := <-served; err != nil {
			t.Error(err)
		}
	})
	return pool, sh, m, other
}

// split returns one user owned by sh and one owned elsewhere.
func split(sh *shard.Shard) (mine, theirs int64) {
	for u := int64(1); mine == 0 || theirs == 0; u++ {
		if _, ok := sh.Owns(u); ok && mine == 0 {
			mine = u
		} else if !ok && theirs == 0 {
			theirs = u
		}
	}
	return mine, theirs
}

func TestDeliver(t *testing.T) {
	pool, sh, m, other := serve(t)
	mine, theirs := split(sh)
	batch := []*channelt.Delivery{
		{User: commont.UserId(mine), Payload: `{"kind":"typing","from":1,"to":2,"typing":true}`},
		{User: commont.UserId(theirs), Payload: `{}`},
		{User: commont.UserId(mine), Payload: `{"kind":"read"}`},
		{User: commont.UserId(mine), Payload: `not json`},
		{User: -1, Payload: `{}`},
		{User: commont.UserId(mine), Payload: `{"t":"` + strings.Repeat("x", 16<<10) + `"}`},
	}
	var res []*channelt.DeliverResult_
	err := pool.Call(context.Background(), func(ctx context.Context, c *channelt.ChannelServiceClient) (err error) {
		res, err = c.Deliver(ctx, batch)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := sh.State(mine)
	want := []struct {
		status channelt.DeliverStatus
		seq    int64
	}{{channelt.DeliverStatus_OK, 1}, {channelt.DeliverStatus_NOT_OWNER, 0}, {channelt.DeliverStatus_OK, 2},
		{channelt.DeliverStatus_INVALID, 0}, {channelt.DeliverStatus_INVALID, 0}, {channelt.DeliverStatus_INVALID, 0}}
	if len(res) != len(want) {
		t.Fatalf("%d results, want %d", len(res), len(want))
	}
	for i, r := range res {
		if r.User != batch[i].User || r.Status != want[i].status || r.Seq != want[i].seq {
			t.Errorf("result %d = %v, want status %v seq %d", i, r, want[i].status, want[i].seq)
		}
		if r.Status == channelt.DeliverStatus_OK && r.Epoch != st.Epoch {
			t.Errorf("result %d epoch %d, want the queue's %d", i, r.Epoch, st.Epoch)
		}
		if r.Status == channelt.DeliverStatus_INVALID && r.Error == "" {
			t.Errorf("result %d: INVALID without a reason", i)
		}
	}
	if res[1].OwnerId != other.ID || res[1].OwnerAddr != other.Addr {
		t.Errorf("NOT_OWNER names %q %q, want %q %q", res[1].OwnerId, res[1].OwnerAddr, other.ID, other.Addr)
	}
	if got := counter(m.Deliveries.WithLabelValues("ok")); got != 2 {
		t.Errorf("ok deliveries metric %v, want 2", got)
	}
}

func TestDeliverOversizeBatch(t *testing.T) {
	pool, sh, _, _ := serve(t)
	mine, _ := split(sh)
	batch := make([]*channelt.Delivery, shard.MaxBatch+1)
	for i := range batch {
		batch[i] = &channelt.Delivery{User: commont.UserId(mine), Payload: `{}`}
	}
	err := pool.Call(context.Background(), func(ctx context.Context, c *channelt.ChannelServiceClient) error {
		_, err := c.Deliver(ctx, batch)
		return err
	})
	var inv *commont.InvalidInput
	if !errors.As(err, &inv) || inv.Field != "deliveries" {
		t.Fatalf("oversize batch: %v, want InvalidInput on deliveries", err)
	}
	if st, _ := sh.State(mine); st.Seq != 0 {
		t.Fatalf("an oversize batch delivered %d", st.Seq)
	}
}

func TestState(t *testing.T) {
	pool, sh, _, other := serve(t)
	mine, theirs := split(sh)
	state := func(u int64) (st *channelt.UserState, err error) {
		err = pool.Call(context.Background(), func(ctx context.Context, c *channelt.ChannelServiceClient) error {
			st, err = c.State(ctx, commont.UserId(u))
			return err
		})
		return st, err
	}
	st, err := state(mine)
	if err != nil || st.Epoch <= 0 || st.Seq != 0 || st.IdleSeconds != -1 || st.PollUrl != "https://chat.example.com/channel-1" {
		t.Fatalf("state(mine) = %v, %v", st, err)
	}
	if again, _ := state(mine); again.Epoch != st.Epoch {
		t.Fatalf("state created a second mailbox: epoch %d then %d", st.Epoch, again.Epoch)
	}
	var no *commont.NotOwner
	if _, err := state(theirs); !errors.As(err, &no) || no.OwnerId != other.ID || no.OwnerAddr != other.Addr {
		t.Fatalf("state(theirs): %v, want NotOwner naming %v", err, other)
	}
	var inv *commont.InvalidInput
	if _, err := state(0); !errors.As(err, &inv) || inv.Field != "user" {
		t.Fatalf("state(0): %v, want InvalidInput on user", err)
	}
}

type nopWaiter struct{}

func (nopWaiter) Wake() {}

func TestConnected(t *testing.T) {
	pool, sh, _, _ := serve(t)
	mine, _ := split(sh)
	st, _ := sh.State(mine)
	if _, err := sh.Poll(mine, queue.Cursor{Epoch: st.Epoch, Idle: 7 * time.Second}, nopWaiter{}); err != nil {
		t.Fatal(err)
	}
	var conns []*channelt.Connection
	err := pool.Call(context.Background(), func(ctx context.Context, c *channelt.ChannelServiceClient) (err error) {
		conns, err = c.Connected(ctx)
		return err
	})
	if err != nil || len(conns) != 1 || conns[0].User != commont.UserId(mine) || conns[0].Pollers != 1 || conns[0].IdleSeconds < 7 {
		t.Fatalf("connected = %v, %v; want user %d with 1 poller, idle >= 7", conns, err, mine)
	}
}

func counter(c prometheus.Counter) float64 {
	var m dto.Metric
	c.Write(&m)
	return m.GetCounter().GetValue()
}

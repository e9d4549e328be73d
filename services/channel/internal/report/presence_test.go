package report

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
)

// shard is a PresenceService that records the reports it takes.
type shard struct {
	mu      sync.Mutex
	reports map[int64]int32 // user → idle seconds
}

func (s *shard) Report(_ context.Context, reporter string, intervalMs int32, entries []*presencet.ReportEntry) (int32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range entries {
		s.reports[int64(e.User)] = e.IdleSeconds
	}
	return int32(len(entries)), nil
}

func (*shard) MultiGet(context.Context, []commont.UserId) ([]*presencet.Presence, error) {
	return nil, nil
}
func (*shard) ChangedSince(context.Context, []commont.UserId, int64) (*presencet.Changes, error) {
	return &presencet.Changes{}, nil
}

// TestLoopThroughPresenceClient: the loop's entries reach presence shards over
// real Thrift through the real client, each user on its owner shard.
func TestLoopThroughPresenceClient(t *testing.T) {
	var insts []discovery.Instance
	shards := map[string]*shard{}
	for range 2 {
		s := &shard{reports: map[int64]int32{}}
		srv, err := rpc.Listen("127.0.0.1:0", presencet.NewPresenceServiceProcessor(s), rpc.ServerOptions{Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		go func() { served <- srv.Serve() }()
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Shutdown(ctx)
			<-served
		})
		addr := srv.Addr().String()
		insts = append(insts, discovery.Instance{ID: addr, Addr: addr})
		shards[addr] = s
	}
	view := discovery.NewStatic(insts...)
	client := presenceclient.New(view)
	defer client.Close()
	var conns []queue.Connection
	for u := int64(1); u <= 20; u++ {
		conns = append(conns, queue.Connection{User: u, Idle: time.Duration(u) * time.Second, Pollers: 1})
	}
	l := &Loop{ID: "chan-1", Interval: 100 * time.Millisecond, Connected: func() []queue.Connection { return conns },
		Reporter: client, Log: zerolog.Nop()}
	if err := l.round(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		owner, _ := view.View().Owner(discovery.HashUser(c.User))
		s := shards[owner.Addr]
		s.mu.Lock()
		idle, ok := s.reports[c.User]
		s.mu.Unlock()
		if !ok || idle != int32(c.User) {
			t.Fatalf("user %d on its owner %s: reported=%v idle=%d", c.User, owner.Addr, ok, idle)
		}
	}
}

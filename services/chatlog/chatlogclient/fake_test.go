package chatlogclient

import (
	"context"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
)

// fake is a scripted ChatlogService behind a real Thrift server on
// 127.0.0.1:0. The real service is tested with this client in
// services/chatlog/internal/thriftapi.
type fake struct {
	addr string

	mu       sync.Mutex
	appended []*chatlogt.AppendRequest
	calls    map[string]int
	// Scripted answers; nil means the zero answer.
	onAppend func(*chatlogt.AppendRequest) (*commont.Message, error)
	onRecent func(user int64, limit int32) ([]*chatlogt.ConversationSummary, error)
	onSince  func(user, sinceMs int64, limit int32) (*chatlogt.SincePage, error)
	onOther  error // History and MarkRead answer this
	// gate, if set, holds every append until it is closed.
	gate    chan struct{}
	batches []int // sizes of the appendBatch calls
}

// startFake serves a fake until the test ends; script sets its answers
// before it serves, so handlers read them without locks.
func startFake(t *testing.T, script func(*fake)) *fake {
	t.Helper()
	f := &fake{calls: map[string]int{}}
	if script != nil {
		script(f)
	}
	srv, err := rpc.Listen("127.0.0.1:0", chatlogt.NewChatlogServiceProcessor(f), rpc.ServerOptions{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	f.addr = srv.Addr().String()
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	t.Cleanup(func() {
		srv.Shutdown(context.Background())
		if err := <-done; err != nil {
			t.Errorf("fake serve: %v", err)
		}
	})
	return f
}

func (f *fake) instance() discovery.Instance {
	return discovery.Instance{ID: f.addr, Service: "chatlog", Addr: f.addr}
}

func (f *fake) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func (f *fake) called(method string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[method]++
}

func (f *fake) Append(_ context.Context, r *chatlogt.AppendRequest) (*commont.Message, error) {
	f.called("append")
	if f.gate != nil {
		<-f.gate
	}
	f.mu.Lock()
	f.appended = append(f.appended, r)
	f.mu.Unlock()
	if f.onAppend != nil {
		return f.onAppend(r)
	}
	return &commont.Message{}, nil
}

// AppendBatch answers each request as Append would, all or nothing.
func (f *fake) AppendBatch(_ context.Context, rs []*chatlogt.AppendRequest) ([]*commont.Message, error) {
	f.called("appendBatch")
	if f.gate != nil {
		<-f.gate
	}
	f.mu.Lock()
	f.batches = append(f.batches, len(rs))
	f.mu.Unlock()
	out := make([]*commont.Message, len(rs))
	for i, r := range rs {
		out[i] = &commont.Message{}
		if f.onAppend != nil {
			m, err := f.onAppend(r)
			if err != nil {
				return nil, err
			}
			out[i] = m
		}
	}
	return out, nil
}

func (f *fake) batchSizes() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.batches...)
}

func (f *fake) History(_ context.Context, conv commont.ConversationId, before, after int64, limit int32) (*chatlogt.HistoryPage, error) {
	f.called("history")
	if f.onOther != nil {
		return nil, f.onOther
	}
	return &chatlogt.HistoryPage{
		Messages:   []*commont.Message{{Conversation: conv, Seq: before - 1, SentAtMs: after}},
		MoreBefore: true, MoreAfter: limit > 1,
	}, nil
}

func (f *fake) Recent(_ context.Context, user commont.UserId, limit int32) ([]*chatlogt.ConversationSummary, error) {
	f.called("recent")
	if f.onRecent != nil {
		return f.onRecent(int64(user), limit)
	}
	return nil, nil
}

func (f *fake) MarkRead(context.Context, commont.UserId, commont.ConversationId, int64) error {
	f.called("markRead")
	return f.onOther
}

func (f *fake) Since(_ context.Context, user commont.UserId, sinceMs int64, limit int32) (*chatlogt.SincePage, error) {
	f.called("since")
	if f.onSince != nil {
		return f.onSince(int64(user), sinceMs, limit)
	}
	return &chatlogt.SincePage{}, nil
}

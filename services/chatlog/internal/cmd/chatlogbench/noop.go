package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
)

// noop answers every append at once and stores nothing: the ceiling that
// Thrift round trips alone put on this machine.
type noop struct{ chatlogt.ChatlogService }

func (noop) Append(_ context.Context, r *chatlogt.AppendRequest) (*commont.Message, error) {
	return &commont.Message{ID: "x", Conversation: "d:1:2", Seq: 1, Sender: r.Sender, Recipient: r.Recipient,
		Text: r.Text, SentAtMs: time.Now().UnixMilli(), ClientMsgId: r.ClientMsgId}, nil
}

// runNoop measures appends against an in-process no-op server for d.
func runNoop(c config, clients int, d time.Duration) (result, error) {
	srv, err := rpc.Listen("127.0.0.1:0", chatlogt.NewChatlogServiceProcessor(noop{}), rpc.ServerOptions{Log: zerolog.Nop()})
	if err != nil {
		return result{}, err
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }() // joined below
	defer func() {
		srv.Shutdown(context.Background())
		<-done
	}()
	pools := make([]*rpc.Pool[*chatlogt.ChatlogServiceClient], clients)
	for i := range pools {
		pools[i] = rpc.NewPool(srv.Addr().String(), chatlogt.NewChatlogServiceClient)
		defer pools[i].Close()
	}
	text := strings.Repeat("x", c.textBytes)
	appendLoad(clients, independent(pools), c.convs, text, 300*time.Millisecond)
	lat, elapsed, err := appendLoad(clients, independent(pools), c.convs, text, d)
	if err != nil {
		return result{}, err
	}
	r := summarize(lat, elapsed)
	fmt.Printf("%-38s %8.0f calls/s    p50 %s  p99 %s  max %s  (client and server in one process)\n",
		fmt.Sprintf("thrift, no store, %d callers:", clients), r.rate, ms(r.p50), ms(r.p99), ms(r.max))
	return r, nil
}

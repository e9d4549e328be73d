package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/internal/consultest"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/discovery/consul"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
)

// waitFor polls cond until it holds or 15s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not synchronization
	}
}

// refuses reports whether the instance at addr answers NotOwner for conv:
// then its view holds the conversation's owner. MarkRead at seq 0 changes
// nothing where it is accepted.
func refuses(addr, conv string, user int64) bool {
	p := rpc.NewPool(addr, chatlogt.NewChatlogServiceClient)
	defer p.Close()
	err := p.Call(context.Background(), func(ctx context.Context, c *chatlogt.ChatlogServiceClient) error {
		return c.MarkRead(ctx, commont.UserId(user), commont.ConversationId(conv), 0)
	})
	var no *commont.NotOwner
	return errors.As(err, &no)
}

// TestRunConsul runs two instances registered in a real Consul agent: the
// conversations are spread over both, each held by its owner alone, and the
// instances leave Consul when they stop.
func TestRunConsul(t *testing.T) {
	agent := consultest.Start(t)
	a := start(t, t.TempDir(), "-consul", agent.Addr(), "-instance", "chatlog-a")
	b := start(t, t.TempDir(), "-consul", agent.Addr(), "-instance", "chatlog-b")
	res := consul.NewResolver(agent.Client(), "chatlog", zerolog.Nop())
	defer res.Close()
	waitFor(t, "both instances in the client's view", func() bool { return res.View().Len() == 2 })
	owner := func(conv string) string { o, _ := res.View().Owner(discovery.HashString(conv)); return o.Addr }
	const me = 1
	var onA, onB []string
	for peer := int64(2); len(onA) == 0 || len(onB) == 0 || len(onA)+len(onB) < 20; peer++ {
		conv := chatlogclient.ConversationID(me, peer)
		if owner(conv) == a.thrift {
			onA = append(onA, conv)
		} else {
			onB = append(onB, conv)
		}
	}
	// Each instance follows Consul on its own; wait until both know the other.
	waitFor(t, "a to know b", func() bool { return refuses(a.thrift, onB[0], me) })
	waitFor(t, "b to know a", func() bool { return refuses(b.thrift, onA[0], me) })

	c := chatlogclient.New(res)
	defer c.Close()
	for _, conv := range append(slices.Clone(onA), onB...) {
		var peer int64
		fmt.Sscanf(conv, "d:1:%d", &peer)
		if _, err := c.Append(context.Background(), me, peer, "hello "+conv, "m1"); err != nil {
			t.Fatalf("append to %s: %v", conv, err)
		}
	}
	held := func(in *instance) []string {
		only := chatlogclient.New(in.resolver())
		defer only.Close()
		sums, err := only.Recent(context.Background(), me, 100)
		if err != nil {
			t.Fatal(err)
		}
		var convs []string
		for _, s := range sums {
			convs = append(convs, s.Conversation)
		}
		slices.Sort(convs)
		return convs
	}
	slices.Sort(onA)
	slices.Sort(onB)
	if gotA, gotB := held(a), held(b); !slices.Equal(gotA, onA) || !slices.Equal(gotB, onB) {
		t.Fatalf("a holds %v, b holds %v; want %v and %v", gotA, gotB, onA, onB)
	}
	all, err := c.Recent(context.Background(), me, 100)
	if err != nil || len(all) != len(onA)+len(onB) {
		t.Fatalf("Recent over both = %d conversations, %v; want %d", len(all), err, len(onA)+len(onB))
	}

	a.stop(t)
	b.stop(t)
	entries, _, err := agent.Client().Health().Service("chatlog", "", false, nil)
	if err != nil || len(entries) != 0 {
		t.Fatalf("after shutdown Consul lists %d chatlog instances (%v); want none", len(entries), err)
	}
}

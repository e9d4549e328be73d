package thriftapi

import (
	"context"
	"errors"
	"testing"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// TestNotOwner: an instance refuses a conversation another owns, names
// the owner, and stores nothing.
func TestNotOwner(t *testing.T) {
	nodes, res := cluster(t, 2)
	a, b := nodes[0], nodes[1]
	x, y := ownedBy(t, res, b.addr, 1)
	conv := convlog.Direct(x, y).ID
	wantOwner := func(name string, err error) {
		t.Helper()
		var no *commont.NotOwner
		if !errors.As(err, &no) || no.OwnerAddr != b.addr || no.OwnerId != "chatlog-"+b.addr {
			t.Errorf("%s at the wrong instance: err = %v; want NotOwner naming %s", name, err, b.addr)
		}
	}
	wantOwner("append", a.call(t, func(c *chatlogt.ChatlogServiceClient) error {
		_, err := c.Append(ctx(), &chatlogt.AppendRequest{Sender: commont.UserId(x), Recipient: commont.UserId(y), Text: "t", ClientMsgId: "1"})
		return err
	}))
	wantOwner("history", a.call(t, func(c *chatlogt.ChatlogServiceClient) error {
		_, err := c.History(ctx(), commont.ConversationId(conv), 0, -1, 5)
		return err
	}))
	wantOwner("markRead", a.call(t, func(c *chatlogt.ChatlogServiceClient) error {
		return c.MarkRead(ctx(), commont.UserId(x), commont.ConversationId(conv), 1)
	}))
	// A batch with one conversation owned elsewhere stores nothing here.
	p, q := ownedBy(t, res, a.addr, 1)
	wantOwner("appendBatch", a.call(t, func(c *chatlogt.ChatlogServiceClient) error {
		_, err := c.AppendBatch(ctx(), []*chatlogt.AppendRequest{
			{Sender: commont.UserId(p), Recipient: commont.UserId(q), Text: "mine", ClientMsgId: "1"},
			{Sender: commont.UserId(x), Recipient: commont.UserId(y), Text: "theirs", ClientMsgId: "1"},
		})
		return err
	}))
	if n := a.count(t, convlog.Direct(p, q).ID) + a.count(t, conv) + b.count(t, conv); n != 0 {
		t.Fatalf("refused calls stored %d messages", n)
	}
}

// TestStaleViewFollowsOwner: a client whose view lists only the wrong
// instance is sent on to the owner and succeeds there.
func TestStaleViewFollowsOwner(t *testing.T) {
	nodes, res := cluster(t, 2)
	a, b := nodes[0], nodes[1]
	x, y := ownedBy(t, res, b.addr, 1)
	stale := discovery.NewStatic(discovery.Instance{ID: "a", Addr: a.addr})
	c := chatlogclient.New(stale)
	defer c.Close()
	m, err := c.Append(context.Background(), x, y, "through a stale view", "s1")
	if err != nil || m.Seq != 1 {
		t.Fatalf("Append via stale view = %+v, %v", m, err)
	}
	if a.count(t, m.Conversation) != 0 || b.count(t, m.Conversation) != 1 {
		t.Fatalf("stored at a: %d, at b: %d; want only at the owner b", a.count(t, m.Conversation), b.count(t, m.Conversation))
	}
}

func TestOwnershipBinding(t *testing.T) {
	var o Ownership
	if no := o.Check("d:1:2"); no == nil || no.OwnerAddr != "" {
		t.Fatalf("unbound: Check = %v; want NotOwner naming no one", no)
	}
	res := discovery.NewStatic(discovery.Instance{ID: "x", Addr: "10.0.0.1:9103"})
	o.Bind(res, "10.0.0.2:9103")
	if no := o.Check("d:1:2"); no == nil || no.OwnerAddr != "10.0.0.1:9103" || no.OwnerId != "x" {
		t.Fatalf("another's conversation: Check = %v; want NotOwner naming x", no)
	}
	o.Bind(res, "10.0.0.1:9103")
	if no := o.Check("d:1:2"); no != nil {
		t.Fatalf("sole instance: Check = %v; want owned", no)
	}
	res.Set()
	if no := o.Check("d:1:2"); no != nil {
		t.Fatalf("empty view: Check = %v; want served here", no)
	}
}

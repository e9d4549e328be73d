package thriftapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/thrift/lib/go/thrift"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
)

// TestThroughClient drives one real instance with chatlogclient, the way
// the web tier does.
func TestThroughClient(t *testing.T) {
	_, res := cluster(t, 1)
	c := chatlogclient.New(res)
	defer c.Close()
	ctx := context.Background()
	start := time.Now().Add(-time.Second)
	m1, err := c.Append(ctx, 5, 4, "<i>hi</i>", "c1")
	if err != nil {
		t.Fatal(err)
	}
	if m1.Conversation != "d:4:5" || m1.Seq != 1 || m1.Text != "<i>hi</i>" || m1.ID == "" || m1.SentAt.Before(start) {
		t.Fatalf("Append = %+v", m1)
	}
	if again, err := c.Append(ctx, 5, 4, "<i>hi</i>", "c1"); err != nil || again != m1 {
		t.Fatalf("retry = %+v, %v; want %+v", again, err, m1)
	}
	if _, err := c.Append(ctx, 4, 5, "back", "c1"); err != nil {
		t.Fatal(err)
	}
	p, err := c.History(ctx, "d:4:5", 0, -1, 10)
	if err != nil || len(p.Messages) != 2 || p.Messages[0] != m1 || p.MoreBefore || p.MoreAfter {
		t.Fatalf("History = %+v, %v", p, err)
	}
	if err := c.MarkRead(ctx, 4, "d:4:5", 1); err != nil {
		t.Fatal(err)
	}
	rec, err := c.Recent(ctx, 4, 10)
	if err != nil || len(rec) != 1 || rec[0].Peer != 5 || rec[0].ReadSeq != 1 || rec[0].Unread != 0 || rec[0].Last.Seq != 2 {
		t.Fatalf("Recent(4) = %+v, %v; want d:4:5, read 1, nothing unread", rec, err)
	}
	ms, more, err := c.Since(ctx, 5, start, 10)
	if err != nil || more || len(ms) != 2 || ms[0].Seq != 1 || ms[1].Seq != 2 {
		t.Fatalf("Since = %+v, %v, %v", ms, more, err)
	}
}

// TestTypedErrors: bad input gets InvalidInput naming the field, and
// nothing is stored.
func TestTypedErrors(t *testing.T) {
	nodes, _ := cluster(t, 1)
	nd := nodes[0]
	req := func(text string) *chatlogt.AppendRequest {
		return &chatlogt.AppendRequest{Sender: 1, Recipient: 2, Text: text, ClientMsgId: "x"}
	}
	many := make([]*chatlogt.AppendRequest, 501)
	for i := range many {
		many[i] = req("ok")
	}
	tests := []struct {
		name  string
		call  func(c *chatlogt.ChatlogServiceClient) error
		field string
	}{
		{"oversize text", func(c *chatlogt.ChatlogServiceClient) error {
			_, err := c.Append(ctx(), req(strings.Repeat("a", 4001)))
			return err
		}, "text"},
		{"invalid UTF-8", func(c *chatlogt.ChatlogServiceClient) error { _, err := c.Append(ctx(), req("\xc0\x80")); return err }, "text"},
		{"empty client id", func(c *chatlogt.ChatlogServiceClient) error {
			_, err := c.Append(ctx(), &chatlogt.AppendRequest{Sender: 1, Recipient: 2, Text: "a"})
			return err
		}, "clientMsgId"},
		{"missing request", func(c *chatlogt.ChatlogServiceClient) error { _, err := c.Append(ctx(), nil); return err }, "sender"},
		{"batch too big", func(c *chatlogt.ChatlogServiceClient) error { _, err := c.AppendBatch(ctx(), many); return err }, "requests"},
		{"one bad in a batch", func(c *chatlogt.ChatlogServiceClient) error {
			_, err := c.AppendBatch(ctx(), []*chatlogt.AppendRequest{req("fine"), req("")})
			return err
		}, "requests[1].text"},
		{"unknown cursor", func(c *chatlogt.ChatlogServiceClient) error {
			_, err := c.History(ctx(), "d:1:2", 0, -5, 10)
			return err
		}, "afterSeq"},
		{"bad conversation", func(c *chatlogt.ChatlogServiceClient) error {
			_, err := c.History(ctx(), "d:2:1", 0, -1, 10)
			return err
		}, "conversation"},
		{"history limit", func(c *chatlogt.ChatlogServiceClient) error {
			_, err := c.History(ctx(), "d:1:2", 0, -1, 0)
			return err
		}, "limit"},
		{"mark by an outsider", func(c *chatlogt.ChatlogServiceClient) error { return c.MarkRead(ctx(), 3, "d:1:2", 1) }, "user"},
		{"recent limit", func(c *chatlogt.ChatlogServiceClient) error { _, err := c.Recent(ctx(), 1, 1000); return err }, "limit"},
		{"since limit", func(c *chatlogt.ChatlogServiceClient) error { _, err := c.Since(ctx(), 1, 0, 0); return err }, "limit"},
	}
	for _, tt := range tests {
		err := nd.call(t, tt.call)
		var ii *commont.InvalidInput
		if !errors.As(err, &ii) || ii.Field != tt.field || ii.Message == "" {
			t.Errorf("%s: err = %v; want InvalidInput on %s", tt.name, err, tt.field)
		}
	}
	if n := nd.count(t, "d:1:2"); n != 0 {
		t.Fatalf("bad requests stored %d messages", n)
	}
	if s := nd.errlog.String(); s != "" {
		t.Fatalf("bad input was logged as an internal error: %s", s)
	}
}

// TestInternalErrorIsOpaque: a store failure reaches the caller as an
// application error that tells nothing of the internals, and is logged.
func TestInternalErrorIsOpaque(t *testing.T) {
	nodes, _ := cluster(t, 1)
	nd := nodes[0]
	nd.store.Close()
	err := nd.call(t, func(c *chatlogt.ChatlogServiceClient) error {
		_, err := c.Append(ctx(), &chatlogt.AppendRequest{Sender: 1, Recipient: 2, Text: "a", ClientMsgId: "x"})
		return err
	})
	var ae thrift.TApplicationException
	if !errors.As(err, &ae) || ae.TypeId() != thrift.INTERNAL_ERROR || strings.Contains(err.Error(), "closed") {
		t.Fatalf("err = %v; want an opaque INTERNAL_ERROR", err)
	}
	if s := nd.errlog.String(); !strings.Contains(s, "closed") || !strings.Contains(s, `"method":"append"`) {
		t.Fatalf("error log = %q; want the cause, logged once", s)
	}
}

func ctx() context.Context { return context.Background() }

// TestCoalescedAppendsThroughClient sends many concurrent appends, retries
// and one bad message through chatlogclient, which coalesces them into
// appendBatch calls: each caller gets its own answer, and nothing is stored
// twice.
func TestCoalescedAppendsThroughClient(t *testing.T) {
	nodes, res := cluster(t, 1)
	c := chatlogclient.New(res)
	defer c.Close()
	const workers, each = 16, 25
	got := make([][]chatlogclient.Message, workers)
	var badErr error
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				// Workers pair up on the same ids: every append is raced by a retry.
				cmid := fmt.Sprintf("m%d-%d", w/2, i)
				text := "hello " + cmid
				if w == 0 && i == 7 {
					_, badErr = c.Append(context.Background(), 3, 4, "bad\x00", "bad")
				}
				m, err := c.Append(context.Background(), 3, 4, text, cmid)
				if err != nil || m.ClientMsgID != cmid || m.Text != text {
					t.Errorf("append %s = %+v, %v", cmid, m, err)
					return
				}
				got[w] = append(got[w], m)
			}
		}()
	}
	wg.Wait()
	var ii *commont.InvalidInput
	if !errors.Is(badErr, chatlogclient.ErrInvalid) || errors.As(badErr, &ii) {
		t.Fatalf("bad append in the crowd: %v; want ErrInvalid", badErr)
	}
	byID := map[string]chatlogclient.Message{}
	for _, ms := range got {
		for _, m := range ms {
			if prev, ok := byID[m.ClientMsgID]; ok && prev != m {
				t.Fatalf("%s answered as seq %d and seq %d", m.ClientMsgID, prev.Seq, m.Seq)
			}
			byID[m.ClientMsgID] = m
		}
	}
	if n := nodes[0].count(t, "d:3:4"); n != workers/2*each || len(byID) != n {
		t.Fatalf("stored %d messages for %d distinct ids; want %d", n, len(byID), workers/2*each)
	}
}

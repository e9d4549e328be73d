package chatlogclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// summaries answers Recent with one conversation per entry of at (last
// activity in ms), named after the instance tag and the time.
func summaries(tag string, at ...int64) func(*fake) {
	return func(f *fake) {
		f.onRecent = func(user int64, limit int32) ([]*chatlogt.ConversationSummary, error) {
			var out []*chatlogt.ConversationSummary
			for _, ms := range at {
				conv := fmt.Sprintf("%s-%d", tag, ms)
				out = append(out, &chatlogt.ConversationSummary{
					Conversation: commont.ConversationId(conv), Peer: commont.UserId(user + 1), Unread: 2, ReadSeq: 1,
					Last: &commont.Message{Conversation: commont.ConversationId(conv), SentAtMs: ms},
				})
			}
			return out, nil
		}
	}
}

func TestRecentMergesNewestFirst(t *testing.T) {
	a := startFake(t, summaries("a", 50, 30, 10))
	b := startFake(t, summaries("b", 40, 20))
	c := newClient(t, a, b)
	got, err := c.Recent(context.Background(), 7, 4)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.Conversation)
		if s.Peer != 8 || s.Unread != 2 || s.ReadSeq != 1 {
			t.Errorf("%s: peer %d unread %d readSeq %d; want 8, 2, 1", s.Conversation, s.Peer, s.Unread, s.ReadSeq)
		}
	}
	if want := []string{"a-50", "b-40", "a-30", "b-20"}; !slices.Equal(names, want) {
		t.Fatalf("Recent = %v; want %v (merged newest first, cut at 4)", names, want)
	}
}

func TestRecentPartialOnFailure(t *testing.T) {
	a := startFake(t, summaries("a", 50))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	c := New(discovery.NewStatic(a.instance(), discovery.Instance{ID: dead, Addr: dead}))
	defer c.Close()
	got, err := c.Recent(context.Background(), 7, 10)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("one instance down: err = %v; want ErrUnavailable", err)
	}
	if len(got) != 1 || got[0].Conversation != "a-50" {
		t.Fatalf("one instance down: got %+v; want the live instance's a-50", got)
	}
	if _, _, err := c.Since(context.Background(), 7, time.UnixMilli(0), 10); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Since with one instance down: err = %v; want ErrUnavailable", err)
	}
}

// page builds a SincePage of messages at the given times in conversation conv.
func page(conv string, more bool, at ...int64) *chatlogt.SincePage {
	p := &chatlogt.SincePage{More: more}
	for i, ms := range at {
		p.Messages = append(p.Messages, &commont.Message{Conversation: commont.ConversationId(conv), Seq: int64(i + 1), SentAtMs: ms})
	}
	return p
}

func TestMergeSince(t *testing.T) {
	tests := []struct {
		name     string
		pages    []*chatlogt.SincePage
		limit    int
		want     []int64 // sentAt of each message, in order
		wantMore bool
	}{
		{"nothing", []*chatlogt.SincePage{page("a", false), page("b", false)}, 10, nil, false},
		{"interleaved, all fit", []*chatlogt.SincePage{page("a", false, 1, 4), page("b", false, 2, 3)}, 10, []int64{1, 2, 3, 4}, false},
		{"cut by limit", []*chatlogt.SincePage{page("a", false, 1, 4), page("b", false, 2, 3)}, 3, []int64{1, 2, 3}, true},
		{"cut never splits a millisecond", []*chatlogt.SincePage{page("a", false, 1, 3), page("b", false, 3, 5)}, 2, []int64{1}, true},
		{"one millisecond over the limit is kept whole", []*chatlogt.SincePage{page("a", false, 3, 3), page("b", false, 3, 5)}, 2, []int64{3, 3, 3}, true},
		{"instance cut early bounds the rest", []*chatlogt.SincePage{page("a", true, 1, 2), page("b", false, 3, 4)}, 10, []int64{1, 2}, true},
		{"earliest cut wins", []*chatlogt.SincePage{page("a", true, 1, 5), page("b", true, 2, 3), page("c", false, 3, 4)}, 10, []int64{1, 2, 3, 3}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, more := mergeSince(tt.pages, tt.limit)
			var at []int64
			for _, m := range got {
				at = append(at, m.SentAt.UnixMilli())
			}
			if !slices.Equal(at, tt.want) || more != tt.wantMore {
				t.Fatalf("mergeSince = %v, more %v; want %v, more %v", at, more, tt.want, tt.wantMore)
			}
		})
	}
}

func TestSinceAsksEveryInstance(t *testing.T) {
	var a, b *fake
	script := func(conv string, at ...int64) func(*fake) {
		return func(f *fake) {
			f.onSince = func(user, sinceMs int64, limit int32) (*chatlogt.SincePage, error) {
				if user != 7 || sinceMs != 1000 || limit != 5 {
					return nil, &commont.InvalidInput{Message: fmt.Sprintf("got (%d, %d, %d)", user, sinceMs, limit)}
				}
				return page(conv, false, at...), nil
			}
		}
	}
	a, b = startFake(t, script("a", 1001, 1003)), startFake(t, script("b", 1002))
	ms, more, err := newClient(t, a, b).Since(context.Background(), 7, time.UnixMilli(1000), 5)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, fmt.Sprintf("%s@%d", m.Conversation, m.SentAt.UnixMilli()))
	}
	if want := []string{"a@1001", "b@1002", "a@1003"}; !slices.Equal(got, want) || more {
		t.Fatalf("Since = %v, more %v; want %v, false", got, more, want)
	}
}

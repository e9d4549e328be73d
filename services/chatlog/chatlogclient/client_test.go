package chatlogclient

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newClient returns a client over a static view of fakes, closed at the end.
func newClient(t *testing.T, fakes ...*fake) *Client {
	t.Helper()
	var insts []discovery.Instance
	for _, f := range fakes {
		insts = append(insts, f.instance())
	}
	c := New(discovery.NewStatic(insts...), WithCallTimeout(2*time.Second))
	t.Cleanup(func() { c.Close() })
	return c
}

func TestConversationID(t *testing.T) {
	if a, b := ConversationID(7, 3), ConversationID(3, 7); a != "d:3:7" || b != a {
		t.Fatalf("ConversationID(7,3) = %q, (3,7) = %q; want both d:3:7", a, b)
	}
}

func TestAppendGoesToOwner(t *testing.T) {
	echo := func(f *fake) {
		f.onAppend = func(r *chatlogt.AppendRequest) (*commont.Message, error) {
			return &commont.Message{ID: f.addr, Conversation: commont.ConversationId(ConversationID(int64(r.Sender), int64(r.Recipient))),
				Seq: 1, Sender: r.Sender, Recipient: r.Recipient, Text: r.Text, SentAtMs: 1700000000123, ClientMsgId: r.ClientMsgId}, nil
		}
	}
	a, b := startFake(t, echo), startFake(t, echo)
	c := newClient(t, a, b)
	view := discovery.NewView([]discovery.Instance{a.instance(), b.instance()})
	for i := int64(1); i <= 20; i++ {
		owner, _ := view.Owner(discovery.HashString(ConversationID(i, i+100)))
		m, err := c.Append(context.Background(), i+100, i, "hi <b>", "c1")
		if err != nil {
			t.Fatalf("Append(%d→%d): %v", i+100, i, err)
		}
		if m.ID != owner.Addr {
			t.Fatalf("Append(%d→%d) served by %s; owner is %s", i+100, i, m.ID, owner.Addr)
		}
		want := Message{ID: owner.Addr, Conversation: ConversationID(i, i+100), Seq: 1, Sender: i + 100, Recipient: i,
			Text: "hi <b>", SentAt: time.UnixMilli(1700000000123), ClientMsgID: "c1"}
		if !m.SentAt.Equal(want.SentAt) || m.SentAt.UnixMilli() != 1700000000123 {
			t.Fatalf("SentAt = %v; want %v", m.SentAt, want.SentAt)
		}
		m.SentAt = want.SentAt
		if m != want {
			t.Fatalf("Append = %+v; want %+v", m, want)
		}
	}
	if a.count("append") == 0 || b.count("append") == 0 || a.count("append")+b.count("append") != 20 {
		t.Fatalf("appends: %d at a, %d at b; want 20 spread over both", a.count("append"), b.count("append"))
	}
}

func TestNotOwnerRetriedOnceAtNamedOwner(t *testing.T) {
	owner := startFake(t, func(f *fake) {
		f.onAppend = func(r *chatlogt.AppendRequest) (*commont.Message, error) { return &commont.Message{Seq: 9}, nil }
	})
	stale := startFake(t, func(f *fake) {
		f.onAppend = func(*chatlogt.AppendRequest) (*commont.Message, error) {
			return nil, &commont.NotOwner{Message: "not mine", OwnerAddr: owner.addr}
		}
	})
	c := newClient(t, stale) // this view does not know the owner yet
	m, err := c.Append(context.Background(), 1, 2, "x", "id")
	if err != nil || m.Seq != 9 {
		t.Fatalf("Append via stale view = %+v, %v; want the owner's answer (seq 9)", m, err)
	}
	if stale.count("append") != 1 || owner.count("append") != 1 {
		t.Fatalf("calls: stale %d, owner %d; want 1 and 1", stale.count("append"), owner.count("append"))
	}
}

func TestNotOwnerTwiceIsUnavailable(t *testing.T) {
	var a, b *fake
	b = startFake(t, func(f *fake) {
		f.onAppend = func(*chatlogt.AppendRequest) (*commont.Message, error) {
			return nil, &commont.NotOwner{Message: "not mine", OwnerAddr: "127.0.0.1:1"}
		}
	})
	a = startFake(t, func(f *fake) {
		f.onAppend = func(*chatlogt.AppendRequest) (*commont.Message, error) {
			return nil, &commont.NotOwner{Message: "not mine", OwnerAddr: b.addr}
		}
	})
	selfish := startFake(t, func(f *fake) {
		f.onAppend = func(*chatlogt.AppendRequest) (*commont.Message, error) {
			return nil, &commont.NotOwner{Message: "no owner"}
		}
	})
	for _, tc := range []struct {
		name string
		f    *fake
	}{{"owners disagree", a}, {"no owner named", selfish}} {
		_, err := newClient(t, tc.f).Append(context.Background(), 1, 2, "x", "id")
		if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrInvalid) {
			t.Fatalf("%s: err = %v; want ErrUnavailable", tc.name, err)
		}
	}
	if b.count("append") != 1 {
		t.Fatalf("second owner called %d times; want exactly one retry", b.count("append"))
	}
}

func TestErrorMapping(t *testing.T) {
	invalid := startFake(t, func(f *fake) {
		f.onAppend = func(*chatlogt.AppendRequest) (*commont.Message, error) {
			return nil, &commont.InvalidInput{Message: "longer than 4000 bytes", Field: "text"}
		}
		f.onOther = &commont.InvalidInput{Message: "limit out of range"}
	})
	broken := startFake(t, func(f *fake) {
		f.onAppend = func(*chatlogt.AppendRequest) (*commont.Message, error) { return nil, errors.New("disk on fire") }
	})
	ctx := context.Background()
	_, err := newClient(t, invalid).Append(ctx, 1, 2, "x", "id")
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "text: longer than 4000 bytes") {
		t.Errorf("InvalidInput: err = %v; want ErrInvalid naming the field and reason", err)
	}
	if _, err := newClient(t, invalid).History(ctx, "d:1:2", 0, -1, 0); !errors.Is(err, ErrInvalid) {
		t.Errorf("History InvalidInput: err = %v; want ErrInvalid", err)
	}
	if _, err := newClient(t, broken).Append(ctx, 1, 2, "x", "id"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("internal error: err = %v; want ErrUnavailable", err)
	}
	if _, err := newClient(t).Append(ctx, 1, 2, "x", "id"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("empty view: err = %v; want ErrUnavailable", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	c := New(discovery.NewStatic(discovery.Instance{ID: dead, Addr: dead}))
	defer c.Close()
	if err := c.MarkRead(ctx, 1, "d:1:2", 3); !errors.Is(err, ErrUnavailable) {
		t.Errorf("nothing listening: err = %v; want ErrUnavailable", err)
	}
}

func TestHistoryAndMarkReadPassThrough(t *testing.T) {
	f := startFake(t, nil)
	c := newClient(t, f)
	// The fake echoes its arguments into the page so we see they arrived.
	p, err := c.History(context.Background(), "d:4:5", 10, 3, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Messages) != 1 || p.Messages[0].Seq != 9 || p.Messages[0].SentAt.UnixMilli() != 3 ||
		p.Messages[0].Conversation != "d:4:5" || !p.MoreBefore || !p.MoreAfter {
		t.Fatalf("History = %+v; want the fake's echo of (d:4:5, before 10, after 3, limit 50)", p)
	}
	if err := c.MarkRead(context.Background(), 4, "d:4:5", 7); err != nil || f.count("markRead") != 1 {
		t.Fatalf("MarkRead = %v, calls %d", err, f.count("markRead"))
	}
}

func TestClosedClient(t *testing.T) {
	f := startFake(t, nil)
	c := newClient(t, f)
	if err := c.MarkRead(context.Background(), 4, "d:4:5", 7); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := c.MarkRead(context.Background(), 4, "d:4:5", 7); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("after Close: err = %v; want ErrUnavailable", err)
	}
}

func TestCallTimeout(t *testing.T) {
	// A listener that accepts and never answers: the call must end at the
	// client's timeout, not hang.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	addr := ln.Addr().String()
	c := New(discovery.NewStatic(discovery.Instance{ID: addr, Addr: addr}), WithCallTimeout(200*time.Millisecond))
	defer c.Close()
	start := time.Now()
	err = c.MarkRead(context.Background(), 1, "d:1:2", 1)
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("silent server: err = %v; want ErrUnavailable and DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("call took %v; the 200ms timeout did not apply", d)
	}
	ln.Close()
	if conn := <-accepted; conn != nil {
		conn.Close()
	}
}

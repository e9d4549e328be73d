package convlog_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
	"github.com/thriftchat/thriftchat/services/chatlog/internal/pebblestore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newLog(t *testing.T) *convlog.Log {
	t.Helper()
	s, err := pebblestore.Open(pebblestore.Options{InMemory: true, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return convlog.New(s)
}

// TestBadInputStoresNothing sends every kind of bad request and checks each
// gets an InvalidError naming the field, and that nothing was stored.
func TestBadInputStoresNothing(t *testing.T) {
	l, ctx := newLog(t), context.Background()
	good := convlog.Draft{Sender: 1, Recipient: 2, Text: "ok", ClientMsgID: "g"}
	bad := func(f func(*convlog.Draft)) convlog.Draft { d := good; d.ClientMsgID = "b"; f(&d); return d }
	var huge []convlog.Draft
	for range convlog.MaxBatch + 1 {
		huge = append(huge, good)
	}
	tests := []struct {
		name   string
		drafts []convlog.Draft
		field  string
	}{
		{"oversize text", []convlog.Draft{bad(func(d *convlog.Draft) { d.Text = strings.Repeat("x", 4001) })}, "text"},
		{"invalid UTF-8", []convlog.Draft{bad(func(d *convlog.Draft) { d.Text = "\xfe" })}, "text"},
		{"empty client id", []convlog.Draft{bad(func(d *convlog.Draft) { d.ClientMsgID = "" })}, "clientMsgId"},
		{"empty sender", []convlog.Draft{bad(func(d *convlog.Draft) { d.Sender = 0 })}, "sender"},
		{"one bad in a batch", []convlog.Draft{good, bad(func(d *convlog.Draft) { d.Text = "" })}, "requests[1].text"},
		{"batch too big", huge, "requests"},
	}
	for _, tt := range tests {
		_, err := l.Append(ctx, tt.drafts)
		var ie *convlog.InvalidError
		if !errors.As(err, &ie) || ie.Field != tt.field {
			t.Errorf("%s: err = %v; want an InvalidError on %s", tt.name, err, tt.field)
		}
	}
	p, err := l.History(ctx, "d:1:2", convlog.Newest(10))
	if err != nil || len(p.Messages) != 0 {
		t.Fatalf("after only bad appends: %d messages, %v; want none", len(p.Messages), err)
	}
	if ms, err := l.Append(ctx, nil); err != nil || len(ms) != 0 {
		t.Fatalf("empty batch = %v, %v; want nothing, no error", ms, err)
	}
}

func TestBadReads(t *testing.T) {
	l, ctx := newLog(t), context.Background()
	if _, err := l.Append(ctx, []convlog.Draft{{Sender: 1, Recipient: 2, Text: "x", ClientMsgID: "a"}}); err != nil {
		t.Fatal(err)
	}
	check := func(name, field string, err error) {
		t.Helper()
		var ie *convlog.InvalidError
		if !errors.As(err, &ie) || ie.Field != field {
			t.Errorf("%s: err = %v; want an InvalidError on %s", name, err, field)
		}
	}
	_, err := l.History(ctx, "d:2:1", convlog.Newest(5))
	check("history of a misspelt conversation", "conversation", err)
	_, err = l.History(ctx, "d:1:2", convlog.Cursor{Before: 0, After: -7, Limit: 5})
	check("unknown cursor", "afterSeq", err)
	_, err = l.History(ctx, "d:1:2", convlog.Cursor{Before: -3, Limit: 5})
	check("negative before", "beforeSeq", err)
	_, err = l.History(ctx, "d:1:2", convlog.Newest(201))
	check("history limit", "limit", err)
	_, err = l.Recent(ctx, 0, 5)
	check("recent of no one", "user", err)
	_, err = l.Recent(ctx, 1, 101)
	check("recent limit", "limit", err)
	_, _, err = l.Since(ctx, 1, time.UnixMilli(-5), 10)
	check("since before 1970", "sinceMs", err)
	_, _, err = l.Since(ctx, 1, time.UnixMilli(0), 1001)
	check("since limit", "limit", err)
	check("mark by an outsider", "user", l.MarkRead(ctx, 3, "d:1:2", 1))
	check("mark at a negative seq", "seq", l.MarkRead(ctx, 1, "d:1:2", -1))
	check("mark in a room", "conversation", l.MarkRead(ctx, 1, "r:lobby", 1))
	s, err := l.Recent(ctx, 2, 5)
	if err != nil || len(s) != 1 || s[0].ReadSeq != 0 || s[0].Unread != 1 {
		t.Fatalf("after bad marks: Recent = %+v, %v; want one unread, no mark", s, err)
	}
}

func TestLogWrapsStoreErrors(t *testing.T) {
	s, err := pebblestore.Open(pebblestore.Options{InMemory: true, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	l := convlog.New(s)
	s.Close()
	_, err = l.Append(context.Background(), []convlog.Draft{{Sender: 1, Recipient: 2, Text: "x", ClientMsgID: "a"}})
	if !errors.Is(err, convlog.ErrClosed) || errors.Is(err, convlog.ErrInvalid) || !strings.Contains(err.Error(), "d:1:2") {
		t.Fatalf("append to a closed store: %v; want ErrClosed with the conversation named", err)
	}
}

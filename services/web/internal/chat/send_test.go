package chat_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/web/internal/chat"
	"github.com/thriftchat/thriftchat/services/web/internal/chattest"
	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var ctx = context.Background()

// payload decodes a message payload as a browser would.
type payload struct {
	Kind    string           `json:"kind"`
	Message chat.WireMessage `json:"message"`
}

func TestSendInvalid(t *testing.T) {
	for _, tc := range []struct {
		name         string
		sender, to   int64
		text, client string
		field        string
	}{
		{"empty text", 1, 2, "", "c1", "text"},
		{"text over 4000 bytes", 1, 2, strings.Repeat("é", 2000) + "x", "c1", "text"},
		{"invalid utf-8", 1, 2, "hi \xff there", "c1", "text"},
		{"truncated utf-8", 1, 2, "caf\xc3", "c1", "text"},
		{"NUL", 1, 2, "a\x00b", "c1", "text"},
		{"control char", 1, 2, "bell\x07", "c1", "text"},
		{"DEL", 1, 2, "x\x7f", "c1", "text"},
		{"empty client id", 1, 2, "hi", "", "clientMsgId"},
		{"client id over 64", 1, 2, "hi", strings.Repeat("c", 65), "clientMsgId"},
		{"client id with newline", 1, 2, "hi", "c\n1", "clientMsgId"},
		{"client id invalid utf-8", 1, 2, "hi", "c\xfe", "clientMsgId"},
		{"to oneself", 1, 1, "hi", "c1", "to"},
		{"to zero", 1, 0, "hi", "c1", "to"},
		{"to negative", 1, -2, "hi", "c1", "to"},
		{"no sender", 0, 2, "hi", "c1", "sender"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := chattest.NewEnv(t, nil)
			_, err := e.Service.Send(ctx, tc.sender, tc.to, tc.text, tc.client)
			var inv *chat.InvalidError
			if !errors.As(err, &inv) || inv.Field != tc.field {
				t.Fatalf("err = %v, want InvalidError on %q", err, tc.field)
			}
			if e.Chatlog.Calls() != 0 || len(e.Channel.Payloads(2)) != 0 {
				t.Fatal("an invalid send reached the chatlog or the channel")
			}
		})
	}
}

func TestSendAccepts(t *testing.T) {
	for name, text := range map[string]string{
		"4000 bytes":     strings.Repeat("é", 2000),
		"newlines, tabs": "line1\n\tline2\r\n",
		"html":           `<b>bold</b> & "quotes" <script>alert(1)</script>`,
		"emoji":          "hi 👋🏽",
		"U+2028":         "a\u2028b",
	} {
		t.Run(name, func(t *testing.T) {
			e := chattest.NewEnv(t, nil)
			m, err := e.Service.Send(ctx, 1, 2, text, "c1")
			if err != nil {
				t.Fatal(err)
			}
			if m.Text != text {
				t.Fatalf("stored text %q, want %q", m.Text, text)
			}
			var p payload
			got := e.Channel.Payloads(2)
			if len(got) != 1 || json.Unmarshal(got[0], &p) != nil || p.Message.Text != text {
				t.Fatalf("recipient's payload %q does not carry the exact text", got)
			}
		})
	}
}

func TestSendDeliversToBothSides(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	m, err := e.Service.Send(ctx, 1, 2, "hello", "c1")
	if err != nil {
		t.Fatal(err)
	}
	want := chatlogclient.Message{
		ID: "d:1:2#1", Conversation: "d:1:2", Seq: 1, Sender: 1, Recipient: 2, Text: "hello",
		SentAt: e.Clock.Now(), ClientMsgID: "c1",
	}
	if m != want {
		t.Fatalf("Send = %+v, want %+v", m, want)
	}
	wantJSON := `{"kind":"message","message":{"id":"d:1:2#1","conversation":"d:1:2","seq":1,"sender":1,` +
		`"recipient":2,"text":"hello","sentAtMs":1700000000000,"clientMsgId":"c1"}}`
	for _, user := range []int64{1, 2} {
		got := e.Channel.Payloads(user)
		if len(got) != 1 || string(got[0]) != wantJSON {
			t.Fatalf("user %d got payloads %q, want [%s]", user, got, wantJSON)
		}
	}
	if len(e.Channel.Payloads(3)) != 0 {
		t.Fatal("a bystander got the message")
	}
}

func TestSendIdempotent(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	a, err := e.Service.Send(ctx, 1, 2, "once", "same")
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.Service.Send(ctx, 1, 2, "once", "same")
	if err != nil || a != b {
		t.Fatalf("retry = %+v, %v; want the stored %+v", b, err, a)
	}
	if n := len(e.Chatlog.Stored()); n != 1 {
		t.Fatalf("stored %d messages, want 1", n)
	}
}

func TestSendNotFriends(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	if err := e.Service.PutUser(ctx, store.User{ID: 7, Name: "mallory"}); err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]int64{{7, 1}, {1, 7}, {1, 99}} {
		if _, err := e.Service.Send(ctx, pair[0], pair[1], "hi", "c1"); !errors.Is(err, chat.ErrNotFriends) {
			t.Fatalf("send %d→%d: %v, want ErrNotFriends", pair[0], pair[1], err)
		}
	}
	if e.Chatlog.Calls() != 0 {
		t.Fatal("a send to a non-friend reached the chatlog")
	}
}

func TestSendRateLimit(t *testing.T) {
	e := chattest.NewEnv(t, func(c *chat.Config) { c.SendRate, c.SendBurst = 5, 3 })
	for i := range 3 {
		if _, err := e.Service.Send(ctx, 1, 2, "hi", string(rune('a'+i))); err != nil {
			t.Fatalf("send %d within the burst: %v", i, err)
		}
	}
	_, err := e.Service.Send(ctx, 1, 2, "hi", "over")
	var rl *chat.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 200*time.Millisecond {
		t.Fatalf("4th send: %v, want RateLimitError after 200ms", err)
	}
	if _, err := e.Service.Send(ctx, 3, 2, "hi", "other"); err != nil {
		t.Fatalf("another user is limited too: %v", err)
	}
	e.Clock.Add(200 * time.Millisecond)
	if _, err := e.Service.Send(ctx, 1, 2, "hi", "later"); err != nil {
		t.Fatalf("after waiting: %v", err)
	}
	if n := len(e.Chatlog.Stored()); n != 5 {
		t.Fatalf("stored %d, want 5 (the refused send stores nothing)", n)
	}
}

func TestSendSurvivesChannel(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	e.Channel.Unreachable(2)
	if _, err := e.Service.Send(ctx, 1, 2, "one", "c1"); err != nil {
		t.Fatalf("recipient's owner unreachable: %v; the send is durable and must succeed", err)
	}
	if len(e.Channel.Payloads(1)) != 1 {
		t.Fatal("the sender's tabs must still get the message")
	}
	e.Channel.Fail(errors.New("all channel instances down"))
	if _, err := e.Service.Send(ctx, 1, 2, "two", "c2"); err != nil {
		t.Fatalf("channel tier down: %v; the send must succeed", err)
	}
	if n := len(e.Chatlog.Stored()); n != 2 {
		t.Fatalf("stored %d, want 2", n)
	}
}

func TestSendChatlogDown(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	e.Chatlog.Fail(chatlogclient.ErrUnavailable)
	if _, err := e.Service.Send(ctx, 1, 2, "hi", "c1"); !errors.Is(err, chat.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if len(e.Channel.Payloads(2)) != 0 {
		t.Fatal("an unstored message was pushed")
	}
	e.Chatlog.Fail(chatlogclient.ErrInvalid)
	var inv *chat.InvalidError
	if _, err := e.Service.Send(ctx, 1, 2, "hi", "c1"); !errors.As(err, &inv) {
		t.Fatalf("chatlog refusing: %v, want InvalidError", err)
	}
}

// TestLargestPayloadFits: whatever text passes validation, its payload stays
// under the channel's 16 KiB cap.
func TestLargestPayloadFits(t *testing.T) {
	for _, ch := range []string{`"`, `\`, "\n", "<", "&", "\u2028", "\t"} {
		e := chattest.NewEnv(t, nil)
		text := strings.Repeat(ch, chat.MaxTextBytes/len(ch))
		if _, err := e.Service.Send(ctx, 1, 2, text, strings.Repeat("c", chat.MaxClientID)); err != nil {
			t.Fatalf("%q×%d: %v", ch, len(text), err)
		}
		if p := e.Channel.Payloads(2); len(p[0]) > 16<<10 {
			t.Fatalf("%q×%d makes a %d-byte payload, over 16 KiB", ch, len(text), len(p[0]))
		}
	}
}

// FuzzSendText: any text is either refused with nothing stored, or stored
// and delivered exactly, in a payload that fits the channel.
func FuzzSendText(f *testing.F) {
	for _, s := range []string{"hi", "", "<script>alert(1)</script>", "\xff", "a\x00", "\u2028", strings.Repeat("\\", 4000)} {
		f.Add(s)
	}
	e := chattest.NewEnv(f, func(c *chat.Config) { c.SendRate = 0 })
	n := 0
	f.Fuzz(func(t *testing.T, text string) {
		n++
		before := len(e.Chatlog.Stored())
		m, err := e.Service.Send(ctx, 1, 2, text, fmt.Sprint("fuzz-", n)) // unique: no idempotent replays
		var inv *chat.InvalidError
		if err != nil {
			if !errors.As(err, &inv) {
				t.Fatalf("%q: %v, want InvalidError", text, err)
			}
			if len(e.Chatlog.Stored()) != before {
				t.Fatalf("%q refused but stored", text)
			}
			return
		}
		ps := e.Channel.Payloads(2)
		var p payload
		if err := json.Unmarshal(ps[len(ps)-1], &p); err != nil || len(ps[len(ps)-1]) > 16<<10 {
			t.Fatalf("%q: payload %d bytes, decode %v", text, len(ps[len(ps)-1]), err)
		}
		if m.Text != text || p.Message.Text != text {
			t.Fatalf("stored %q, pushed %q, want %q", m.Text, p.Message.Text, text)
		}
	})
}

// TestSendOutlivesCaller: a browser that goes away once the chatlog has its
// message (a tab closed right after sending) still gets it pushed.
func TestSendOutlivesCaller(t *testing.T) {
	e := chattest.NewEnv(t, nil)
	cctx, cancel := context.WithCancel(ctx)
	e.Chatlog.BeforeAppend(func(context.Context) error { cancel(); return nil })
	if _, err := e.Service.Send(cctx, 1, 2, "bye", "c1"); err != nil {
		t.Fatal(err)
	}
	if len(e.Channel.Payloads(2)) != 1 {
		t.Fatal("the push was cut with the caller's context")
	}
}

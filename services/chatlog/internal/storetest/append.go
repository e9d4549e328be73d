package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

func testAppendAssignsSeqs(t *testing.T, e *env) {
	a := e.send(7, 3, "<b>hi</b> & bye", "x1")
	e.clock.Advance(5 * time.Millisecond)
	b := e.send(3, 7, "héllo\nthere", "x1") // the same cmid from the other sender is another message
	want := convlog.Message{ID: a.ID, Conv: "d:3:7", Seq: 1, Sender: 7, Recipient: 3, Text: "<b>hi</b> & bye",
		SentAt: time.UnixMilli(1_700_000_000_000), ClientMsgID: "x1"}
	if !a.SentAt.Equal(want.SentAt) || a.ID == "" {
		t.Fatalf("first message: SentAt %v, ID %q; want %v and an id", a.SentAt, a.ID, want.SentAt)
	}
	a.SentAt = want.SentAt
	if a != want {
		t.Fatalf("first message = %+v; want %+v", a, want)
	}
	if b.Seq != 2 || b.ID == a.ID || b.SentAt.UnixMilli() != 1_700_000_000_005 || b.Text != "héllo\nthere" {
		t.Fatalf("second message = %+v; want seq 2, a new id, 5 ms later, the text as given", b)
	}
	p := e.history(convlog.Direct(3, 7), convlog.Newest(10))
	if len(p.Messages) != 2 || p.Messages[0].ID != a.ID || p.Messages[1].ID != b.ID || p.Messages[1].Text != b.Text {
		t.Fatalf("history = %+v; want the two messages as returned", p.Messages)
	}
}

func testAppendRetry(t *testing.T, e *env) {
	first := e.send(1, 2, "hello", "c-1")
	e.clock.Advance(time.Second)
	again := e.send(1, 2, "hello", "c-1")
	if again != first {
		t.Fatalf("retry = %+v; want the stored %+v", again, first)
	}
	// A batch may repeat a draft already stored, and repeat one of its own.
	ms, err := e.s.Append(e.ctx, []convlog.Draft{
		{Sender: 1, Recipient: 2, Text: "hello", ClientMsgID: "c-1"},
		{Sender: 2, Recipient: 1, Text: "yo", ClientMsgID: "c-2"},
		{Sender: 2, Recipient: 1, Text: "yo", ClientMsgID: "c-2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if ms[0] != first || ms[1].Seq != 2 || ms[2] != ms[1] {
		t.Fatalf("batch with repeats = seqs %v; want [1 2 2] with the repeats identical", seqs(ms))
	}
	if got := seqs(e.history(convlog.Direct(1, 2), convlog.Newest(10)).Messages); !slices.Equal(got, []int64{1, 2}) {
		t.Fatalf("history seqs = %v; want [1 2]: a retry must not store a copy", got)
	}
}

func testAppendConflict(t *testing.T, e *env) {
	e.send(1, 2, "hello", "c-1")
	_, err := e.s.Append(e.ctx, []convlog.Draft{
		{Sender: 5, Recipient: 6, Text: "fine on its own", ClientMsgID: "ok"},
		{Sender: 1, Recipient: 2, Text: "something else", ClientMsgID: "c-1"},
	})
	var ie *convlog.InvalidError
	if !errors.As(err, &ie) || ie.Field != "clientMsgId" {
		t.Fatalf("reused cmid with other text: err = %v; want an InvalidError on clientMsgId", err)
	}
	if p := e.history(convlog.Direct(5, 6), convlog.Newest(10)); len(p.Messages) != 0 {
		t.Fatalf("a failed batch stored %d messages in d:5:6; want none", len(p.Messages))
	}
	if next := e.send(5, 6, "fine on its own", "ok"); next.Seq != 1 {
		t.Fatalf("after the failed batch, d:5:6 starts at seq %d; want 1", next.Seq)
	}
}

// testConcurrentRetries races many retries of the same messages: each must
// be stored once, and every caller must get that one copy.
func testConcurrentRetries(t *testing.T, e *env) {
	const workers, msgs = 8, 40
	got := make([][]convlog.Message, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range msgs {
				j := (i + w*7) % msgs // each worker in its own order
				ms, err := e.s.Append(e.ctx, []convlog.Draft{{Sender: 10, Recipient: 20, Text: fmt.Sprint("m", j), ClientMsgID: fmt.Sprint("r", j)}})
				if err != nil {
					t.Errorf("worker %d append r%d: %v", w, j, err)
					return
				}
				got[w] = append(got[w], ms[0])
			}
		}()
	}
	wg.Wait()
	byCmid := map[string]convlog.Message{}
	for w := range got {
		for _, m := range got[w] {
			if prev, ok := byCmid[m.ClientMsgID]; ok && prev != m {
				t.Fatalf("%s answered as %+v and as %+v", m.ClientMsgID, prev, m)
			}
			byCmid[m.ClientMsgID] = m
		}
	}
	p := e.history(convlog.Direct(10, 20), convlog.Newest(convlog.MaxHistory))
	if !slices.Equal(seqs(p.Messages), span(1, msgs)) || len(byCmid) != msgs {
		t.Fatalf("stored seqs %v for %d distinct messages; want 1…%d, each once", seqs(p.Messages), len(byCmid), msgs)
	}
	for _, m := range p.Messages {
		if byCmid[m.ClientMsgID] != m {
			t.Fatalf("stored %+v; callers were told %+v", m, byCmid[m.ClientMsgID])
		}
	}
}

// testConcurrentConversations appends to many conversations at once: every
// conversation's seqs must come out gapless.
func testConcurrentConversations(t *testing.T, e *env) {
	const convs, perConv = 6, 30
	var wg sync.WaitGroup
	for c := range convs {
		for side := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				from, to := int64(100+c), int64(200+c)
				if side == 1 {
					from, to = to, from
				}
				for i := range perConv / 2 {
					_, err := e.s.Append(e.ctx, []convlog.Draft{{Sender: from, Recipient: to, Text: "x", ClientMsgID: fmt.Sprint(i)}})
					if err != nil {
						t.Errorf("append: %v", err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	for c := range convs {
		p := e.history(convlog.Direct(int64(100+c), int64(200+c)), convlog.Newest(convlog.MaxHistory))
		if !slices.Equal(seqs(p.Messages), span(1, perConv)) {
			t.Fatalf("conversation %d seqs %v; want 1…%d", c, seqs(p.Messages), perConv)
		}
	}
}

func testClosed(t *testing.T, e *env) {
	e.send(1, 2, "before close", "c")
	if err := e.s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Append(e.ctx, []convlog.Draft{{Sender: 1, Recipient: 2, Text: "x", ClientMsgID: "d"}}); !errors.Is(err, convlog.ErrClosed) {
		t.Fatalf("Append after Close: %v; want ErrClosed", err)
	}
	if _, err := e.s.History(e.ctx, convlog.Direct(1, 2), convlog.Newest(1)); !errors.Is(err, convlog.ErrClosed) {
		t.Fatalf("History after Close: %v; want ErrClosed", err)
	}
}

package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

func testHistoryPaging(t *testing.T, e *env) {
	// Conversations of 0, 1, 5 and 7 messages, between users n and n+1000.
	sizes := map[int64]int{1: 0, 2: 1, 3: 5, 4: 7}
	for u, n := range sizes {
		e.fill(u, u+1000, n, fmt.Sprint("h", u))
	}
	conv := func(u int64) convlog.Conv { return convlog.Direct(u, u+1000) }
	cur := func(before, after int64, limit int) convlog.Cursor {
		return convlog.Cursor{Before: before, After: after, Limit: limit}
	}
	tests := []struct {
		name       string
		user       int64
		c          convlog.Cursor
		want       []int64
		moreBefore bool
		moreAfter  bool
	}{
		{"empty: newest", 1, convlog.Newest(5), nil, false, false},
		{"empty: after 0", 1, cur(0, 0, 5), nil, false, false},
		{"empty: before 5", 1, cur(5, -1, 5), nil, false, false},
		{"one: newest", 2, convlog.Newest(5), []int64{1}, false, false},
		{"one: after 0", 2, cur(0, 0, 5), []int64{1}, false, false},
		{"one: after 1 is past the end", 2, cur(0, 1, 5), nil, true, false},
		{"one: before 1", 2, cur(1, -1, 5), nil, false, true},
		{"one: before 2", 2, cur(2, -1, 5), []int64{1}, false, false},
		{"exact page: newest", 3, convlog.Newest(5), span(1, 5), false, false},
		{"exact page: after 0", 3, cur(0, 0, 5), span(1, 5), false, false},
		{"exact page: before 6", 3, cur(6, -1, 5), span(1, 5), false, false},
		{"seven: newest", 4, convlog.Newest(3), span(5, 7), true, false},
		{"seven: before 5", 4, cur(5, -1, 3), span(2, 4), true, true},
		{"seven: before 2", 4, cur(2, -1, 3), []int64{1}, false, true},
		{"seven: before wins over after", 4, cur(2, 5, 3), []int64{1}, false, true},
		{"seven: after 3", 4, cur(0, 3, 3), span(4, 6), true, true},
		{"seven: after 4", 4, cur(0, 4, 3), span(5, 7), true, false},
		{"seven: after 7 is past the end", 4, cur(0, 7, 3), nil, true, false},
		{"seven: after 100 is past the end", 4, cur(0, 100, 3), nil, true, false},
		{"seven: before 100 reads the newest", 4, cur(100, -1, 3), span(5, 7), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.history(conv(tt.user), tt.c)
			got := seqs(p.Messages)
			if tt.want == nil {
				tt.want = []int64{}
			}
			if !slices.Equal(got, tt.want) || p.MoreBefore != tt.moreBefore || p.MoreAfter != tt.moreAfter {
				t.Fatalf("History(%+v) = %v before=%v after=%v; want %v before=%v after=%v",
					tt.c, got, p.MoreBefore, p.MoreAfter, tt.want, tt.moreBefore, tt.moreAfter)
			}
			for _, m := range p.Messages {
				if m.Conv != conv(tt.user).ID || m.Text != fmt.Sprintf("h%d message %d", tt.user, m.Seq) {
					t.Fatalf("message %d = %+v; not the one stored at that seq", m.Seq, m)
				}
			}
		})
	}
}

func testRecent(t *testing.T, e *env) {
	const me = 50
	e.fill(me, 60, 4, "a") // me sends 1 and 3, 60 sends 2 and 4
	e.clock.Advance(time.Second)
	e.send(70, me, "newer", "b1")
	e.clock.Advance(time.Second)
	e.send(me, 80, "newest, mine", "c1")
	check := func(label string, limit int, want ...string) []convlog.Summary {
		t.Helper()
		got, err := e.s.Recent(e.ctx, me, limit)
		if err != nil {
			t.Fatal(err)
		}
		var desc []string
		for _, s := range got {
			desc = append(desc, fmt.Sprintf("%s peer=%d last=%d unread=%d read=%d", s.Conv, s.Peer, s.Last.Seq, s.Unread, s.ReadSeq))
		}
		if !slices.Equal(desc, want) {
			t.Fatalf("%s: Recent = %q; want %q", label, desc, want)
		}
		return got
	}
	got := check("fresh", 10, "d:50:80 peer=80 last=1 unread=0 read=0", "d:50:70 peer=70 last=1 unread=1 read=0",
		"d:50:60 peer=60 last=4 unread=2 read=0")
	if got[1].Last.Text != "newer" || got[1].Last.Sender != 70 {
		t.Fatalf("last message of d:50:70 = %+v", got[1].Last)
	}
	check("limit", 2, "d:50:80 peer=80 last=1 unread=0 read=0", "d:50:70 peer=70 last=1 unread=1 read=0")
	mark := func(user int64, conv convlog.Conv, seq int64) {
		t.Helper()
		if err := e.s.MarkRead(e.ctx, user, conv, seq); err != nil {
			t.Fatal(err)
		}
	}
	mark(me, convlog.Direct(me, 60), 2)
	check("read up to 2", 3, "d:50:80 peer=80 last=1 unread=0 read=0", "d:50:70 peer=70 last=1 unread=1 read=0",
		"d:50:60 peer=60 last=4 unread=1 read=2")
	mark(me, convlog.Direct(me, 60), 1)  // never moves back
	mark(me, convlog.Direct(me, 70), 99) // past the end: the newest
	check("marks", 3, "d:50:80 peer=80 last=1 unread=0 read=0", "d:50:70 peer=70 last=1 unread=0 read=1",
		"d:50:60 peer=60 last=4 unread=1 read=2")
	peer, err := e.s.Recent(e.ctx, 60, 10)
	if err != nil || len(peer) != 1 || peer[0].Peer != me || peer[0].Unread != 2 || peer[0].ReadSeq != 0 {
		t.Fatalf("user 60's Recent = %+v, %v; want d:50:60 with 2 unread of mine, own marks apart", peer, err)
	}
}

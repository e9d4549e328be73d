package convlog

import (
	"fmt"
	"testing"
	"time"
)

func TestWindowOf(t *testing.T) {
	tests := []struct {
		c      Cursor
		last   int64
		lo, hi int64
		mb, ma bool
	}{
		{Newest(3), 0, 1, 0, false, false},
		{Newest(3), 2, 1, 2, false, false},
		{Newest(3), 10, 8, 10, true, false},
		{Cursor{Before: 8, Limit: 3}, 10, 5, 7, true, true},
		{Cursor{Before: 3, Limit: 3}, 10, 1, 2, false, true},
		{Cursor{Before: 1, Limit: 3}, 10, 1, 0, false, true},
		{Cursor{Before: 50, Limit: 3}, 10, 8, 10, true, false},
		{Cursor{After: 0, Limit: 3}, 10, 1, 3, false, true},
		{Cursor{After: 7, Limit: 3}, 10, 8, 10, true, false},
		{Cursor{After: 10, Limit: 3}, 10, 11, 10, true, false},
		{Cursor{After: 5, Limit: 3}, 0, 6, 0, false, false},
	}
	for _, tt := range tests {
		w := WindowOf(tt.c, tt.last)
		want := Window{Lo: tt.lo, Hi: tt.hi, MoreBefore: tt.mb, MoreAfter: tt.ma}
		if w != want {
			t.Errorf("WindowOf(%+v, last %d) = %+v; want %+v", tt.c, tt.last, w, want)
		}
	}
}

func TestSincePageByteBudget(t *testing.T) {
	// Long texts end a page before the limit, at a millisecond boundary.
	p := SincePage{Limit: MaxSince}
	text := string(make([]byte, MaxText))
	n, ms := 0, int64(2)
	for ; p.Wants(time.UnixMilli(ms / 2)); ms++ { // two messages per millisecond
		p.Add(Message{Text: text, SentAt: time.UnixMilli(ms / 2), ID: fmt.Sprint(ms)})
		n++
	}
	if !p.More || n >= MaxSince || n*MaxText > sinceHardBytes {
		t.Fatalf("page of %d %d-byte messages, more=%v; want a cut well inside one frame", n, MaxText, p.More)
	}
	if last := p.Messages[n-1].SentAt; last.UnixMilli() == ms/2 {
		t.Fatalf("page of %d ends inside millisecond %d", n, ms/2)
	}
}

func TestNewIDUnique(t *testing.T) {
	seen := map[string]bool{}
	at := time.UnixMilli(1_700_000_000_000)
	for range 10000 {
		id := NewID(at)
		if seen[id] || len(id) != 27 {
			t.Fatalf("NewID gave %q (len %d) twice or misshapen", id, len(id))
		}
		seen[id] = true
	}
}

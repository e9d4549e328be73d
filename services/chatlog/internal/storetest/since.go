package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

func testSince(t *testing.T, e *env) {
	const me = 9
	t0 := e.clock.Now()
	e.send(me, 1, "m1", "1")
	e.send(2, me, "m2", "2")
	e.clock.Advance(time.Millisecond)
	e.send(me, 3, "m3", "3")
	e.send(1, 2, "not mine", "x")
	e.clock.Advance(time.Millisecond)
	e.send(4, me, "m4", "4") // three in one millisecond
	e.send(me, 5, "m5", "5")
	e.send(6, me, "m6", "6")
	e.clock.Advance(time.Millisecond)
	e.send(me, 1, "m7", "7")

	ms := func(d int) time.Time { return t0.Add(time.Duration(d) * time.Millisecond) }
	tests := []struct {
		name  string
		since time.Time
		limit int
		want  []string
		more  bool
	}{
		{"everything", ms(-1), 10, []string{"m1", "m2", "m3", "m4", "m5", "m6", "m7"}, false},
		{"after is exclusive", ms(0), 10, []string{"m3", "m4", "m5", "m6", "m7"}, false},
		{"nothing newer", ms(3), 10, nil, false},
		{"cut at the limit", ms(-1), 3, []string{"m1", "m2", "m3"}, true},
		{"never inside a millisecond", ms(-1), 4, []string{"m1", "m2", "m3", "m4", "m5", "m6"}, true},
		{"resume after the last", ms(1), 3, []string{"m4", "m5", "m6"}, true},
		{"last page", ms(2), 3, []string{"m7"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := e.s.Since(e.ctx, me, tt.since, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := sorted(p.Messages); !slices.Equal(got, tt.want) || p.More != tt.more {
				t.Fatalf("Since(%d ms, limit %d) = %v more=%v; want %v more=%v",
					tt.since.Sub(t0).Milliseconds(), tt.limit, got, p.More, tt.want, tt.more)
			}
			for i := 1; i < len(p.Messages); i++ {
				if p.Messages[i].SentAt.Before(p.Messages[i-1].SentAt) {
					t.Fatalf("not oldest first: %v before %v", p.Messages[i-1].SentAt, p.Messages[i].SentAt)
				}
			}
		})
	}
	// Walking page by page with limit 1 sees everything exactly once.
	var walked []string
	since := ms(-1)
	for range 10 {
		p, err := e.s.Since(e.ctx, me, since, 1)
		if err != nil {
			t.Fatal(err)
		}
		walked = append(walked, texts(p.Messages)...)
		if !p.More {
			break
		}
		since = p.Messages[len(p.Messages)-1].SentAt
	}
	if got := slices.Sorted(slices.Values(walked)); !slices.Equal(got, []string{"m1", "m2", "m3", "m4", "m5", "m6", "m7"}) {
		t.Fatalf("paging with limit 1 saw %v; want m1…m7 once each", walked)
	}
}

func texts(ms []convlog.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return out
}

// sorted lists the texts of ms in text order: within a millisecond the
// order is the store's to choose.
func sorted(ms []convlog.Message) []string { return slices.Sorted(slices.Values(texts(ms))) }

// testSinceAcrossTime spreads conversations over seconds, minutes and
// hours, so a store that indexes activity coarsely must still answer
// exactly: every message to or from the user after since, oldest first, and
// nothing else, also when paging through long conversations.
func testSinceAcrossTime(t *testing.T, e *env) {
	const me = 9
	type event struct {
		at       time.Duration
		from, to int64
	}
	var events []event
	for i := range 150 { // a chatty conversation over 75 s, across a minute boundary
		events = append(events, event{time.Duration(i) * 500 * time.Millisecond, me, 1})
	}
	events = append(events,
		event{0, 2, me}, event{10 * time.Minute, me, 2}, // quiet for ten minutes
		event{30 * time.Second, 3, me}, event{3 * time.Hour, 3, me},
		event{40 * time.Second, 1, 2}, event{2 * time.Hour, 2, 3}, // not mine
	)
	slices.SortStableFunc(events, func(a, b event) int { return int(a.at - b.at) })
	t0 := e.clock.Now()
	var mine []convlog.Message
	for i, ev := range events {
		e.clock.Set(t0.Add(ev.at))
		m := e.send(ev.from, ev.to, fmt.Sprint("text ", i), fmt.Sprint("c", i))
		if ev.from == me || ev.to == me {
			mine = append(mine, m)
		}
	}
	for _, since := range []time.Duration{-time.Millisecond, 0, 29999 * time.Millisecond, 30 * time.Second, 59 * time.Second,
		61 * time.Second, 74500 * time.Millisecond, 75 * time.Second, 9 * time.Minute, 10 * time.Minute, 179 * time.Minute, 3 * time.Hour} {
		var want []string
		for _, m := range mine {
			if m.SentAt.After(t0.Add(since)) {
				want = append(want, m.Text)
			}
		}
		for _, limit := range []int{1, 7, 1000} {
			var got []string
			from := t0.Add(since)
			for pages := 0; ; pages++ {
				if pages > len(mine) {
					t.Fatalf("since %v, limit %d: paging does not end", since, limit)
				}
				p, err := e.s.Since(e.ctx, me, from, limit)
				if err != nil {
					t.Fatal(err)
				}
				for i, m := range p.Messages {
					if !m.SentAt.After(from) || i > 0 && m.SentAt.Before(p.Messages[i-1].SentAt) {
						t.Fatalf("since %v, limit %d: page %v is not after %v, oldest first", since, limit, texts(p.Messages), from)
					}
				}
				got = append(got, texts(p.Messages)...)
				if !p.More {
					break
				}
				from = p.Messages[len(p.Messages)-1].SentAt
			}
			// Within a millisecond the order is the store's to choose.
			if slices.Sort(got); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
				t.Fatalf("since %v, limit %d: got %d messages; want %d: %v", since, limit, len(got), len(want), want)
			}
		}
	}
}

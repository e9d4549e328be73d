package pebblestore

import (
	"context"
	"fmt"
	"testing"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

// TestPrecheckMissedBatches: a caller's precheck may miss batches applied
// after it looked. Whether the copy it missed is one batch old (found in
// the writer's recent entries) or many (the writer looks again), the
// append returns the stored message and stores no second copy.
func TestPrecheckMissedBatches(t *testing.T) {
	for _, lag := range []int{1, recentBatches - 1, recentBatches, 3 * recentBatches} {
		t.Run(fmt.Sprint("lag=", lag), func(t *testing.T) {
			s, ctx := open(t, Options{InMemory: true}), context.Background()
			defer s.Close()
			d := []convlog.Draft{{Sender: 1, Recipient: 2, Text: "text of retried", ClientMsgID: "retried"}}
			pre, err := s.w.precheck(d) // looks before anything is stored
			if err != nil || pre.found[0] != nil {
				t.Fatalf("precheck of a new message = %v, %v", pre.found[0], err)
			}
			first := appendOne(t, s, 1, 2, "retried")
			for i := 1; i < lag; i++ { // each its own batch: appends wait for their commit
				appendOne(t, s, 3, 4, fmt.Sprint("filler ", i))
			}
			r := s.w.submit(ctx, &op{drafts: d, pre: pre})
			if r.err != nil || len(r.msgs) != 1 || r.msgs[0] != first {
				t.Fatalf("retry with a precheck %d batches old = %+v, %v; want the stored %+v", lag, r.msgs, r.err, first)
			}
			p, err := s.History(ctx, convlog.Direct(1, 2), convlog.Newest(10))
			if err != nil || len(p.Messages) != 1 {
				t.Fatalf("history holds %d messages, %v; want 1", len(p.Messages), err)
			}
		})
	}
}

package pebblestore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

func open(t *testing.T, o Options) *Store {
	t.Helper()
	o.Log = zerolog.Nop()
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func appendOne(t *testing.T, s *Store, from, to int64, cmid string) convlog.Message {
	t.Helper()
	ms, err := s.Append(context.Background(), []convlog.Draft{{Sender: from, Recipient: to, Text: "text of " + cmid, ClientMsgID: cmid}})
	if err != nil {
		t.Fatalf("append %s: %v", cmid, err)
	}
	return ms[0]
}

// TestReopen closes the store and opens it again on the same directory:
// messages, idempotency, seqs and read marks all carry over.
func TestReopen(t *testing.T) {
	dir, ctx := t.TempDir(), context.Background()
	s := open(t, Options{Dir: dir})
	var before []convlog.Message
	for i := range 5 {
		before = append(before, appendOne(t, s, 1, 2, fmt.Sprint("a", i)))
	}
	appendOne(t, s, 3, 1, "b0")
	if err := s.MarkRead(ctx, 2, convlog.Direct(1, 2), 3); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, Options{Dir: dir})
	defer s.Close()
	p, err := s.History(ctx, convlog.Direct(1, 2), convlog.Newest(10))
	if err != nil || len(p.Messages) != 5 {
		t.Fatalf("after reopen: %d messages, %v; want 5", len(p.Messages), err)
	}
	for i, m := range p.Messages {
		if m != before[i] {
			t.Fatalf("after reopen message %d = %+v; want %+v", i, m, before[i])
		}
	}
	if again := appendOne(t, s, 1, 2, "a2"); again != before[2] {
		t.Fatalf("retry after reopen = %+v; want the stored %+v", again, before[2])
	}
	if next := appendOne(t, s, 2, 1, "c0"); next.Seq != 6 {
		t.Fatalf("first new message after reopen has seq %d; want 6", next.Seq)
	}
	sum, err := s.Recent(ctx, 2, 10)
	if err != nil || len(sum) != 1 || sum[0].ReadSeq != 3 || sum[0].Unread != 2 {
		t.Fatalf("user 2's Recent after reopen = %+v, %v; want read mark 3 with 2 unread (seqs 4, 5)", sum, err)
	}
}

// TestGroupCommit shows concurrent appends sharing one fsync: with a long
// linger, ten concurrent appends fill one batch of ten; MaxBatch 1 gives
// ten commits.
func TestGroupCommit(t *testing.T) {
	for _, tc := range []struct {
		maxBatch, commits int
	}{{10, 1}, {1, 10}} {
		t.Run(fmt.Sprint("max batch ", tc.maxBatch), func(t *testing.T) {
			reg := prometheus.NewRegistry()
			s := open(t, Options{Dir: t.TempDir(), MaxBatch: tc.maxBatch, Linger: 10 * time.Second, Metrics: reg})
			defer s.Close()
			var wg sync.WaitGroup
			for i := range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					appendOne(t, s, int64(i+1), 100, "g")
				}()
			}
			wg.Wait()
			if got := histCount(t, reg, "chatlog_commit_batch_items"); got != uint64(tc.commits) {
				t.Fatalf("%d commits for 10 concurrent appends; want %d", got, tc.commits)
			}
		})
	}
}

// TestCloseUnderLoad closes the store while appends are in flight: each
// either completes or fails with ErrClosed, and nothing is left running.
func TestCloseUnderLoad(t *testing.T) {
	s := open(t, Options{Dir: t.TempDir()})
	var wg sync.WaitGroup
	started := make(chan struct{}, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				_, err := s.Append(context.Background(), []convlog.Draft{{Sender: int64(w + 1), Recipient: 99, Text: "x", ClientMsgID: fmt.Sprint(i)}})
				if i == 0 {
					started <- struct{}{}
				}
				if errors.Is(err, convlog.ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("append under load: %v", err)
					return
				}
			}
		}()
	}
	for range 8 {
		<-started
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
}

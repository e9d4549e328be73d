package report

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recorder is a Reporter that keeps every round and fails the first ones.
type recorder struct {
	mu     sync.Mutex
	fails  int
	rounds [][]presenceclient.Entry
	got    chan struct{} // one slot: a round arrived
}

func (r *recorder) Report(_ context.Context, reporter string, interval time.Duration, entries []presenceclient.Entry) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if reporter != "chan-1" || interval != 20*time.Millisecond {
		return fmt.Errorf("reporter %q interval %v", reporter, interval)
	}
	select {
	case r.got <- struct{}{}:
	default:
	}
	if r.fails > 0 {
		r.fails--
		return errors.New("presence down")
	}
	r.rounds = append(r.rounds, entries)
	return nil
}

func TestLoopReportsConnectedUsers(t *testing.T) {
	rec := &recorder{fails: 1, got: make(chan struct{}, 1)}
	conns := []queue.Connection{{User: 1, Idle: 3 * time.Second, Pollers: 2}, {User: 2, Idle: 10 * 366 * 24 * time.Hour, Pollers: 1}}
	l := &Loop{ID: "chan-1", Interval: 20 * time.Millisecond, Connected: func() []queue.Connection { return conns },
		Reporter: rec, Log: zerolog.Nop()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	// The first round fails; the loop carries on and the next one lands.
	deadline := time.After(10 * time.Second)
	for {
		select {
		case <-rec.got:
		case <-deadline:
			t.Fatal("no successful round within 10s")
		}
		rec.mu.Lock()
		n := len(rec.rounds)
		rec.mu.Unlock()
		if n > 0 {
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := rec.rounds[0]
	want := []presenceclient.Entry{{User: 1, Idle: 3 * time.Second}, {User: 2, Idle: presenceclient.MaxIdle}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("round = %v, want %v (idle clamped to the contract's maximum)", got, want)
	}
}

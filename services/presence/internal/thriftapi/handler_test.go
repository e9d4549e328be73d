package thriftapi_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/presence/internal/shardtest"
	"github.com/thriftchat/thriftchat/services/presence/internal/table"
	"github.com/thriftchat/thriftchat/services/presence/internal/thriftapi"
	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type client = presencet.PresenceServiceClient

// dial returns a pooled client of a fresh shard listing chan-a and chan-b as
// its only reporters.
func dial(t *testing.T) (*rpc.Pool[*client], *shardtest.Shard) {
	t.Helper()
	cfg := shardtest.Config()
	cfg.Reporters = []string{"chan-a", "chan-b"}
	s := shardtest.Start(t, cfg)
	p := rpc.NewPool(s.Addr(), presencet.NewPresenceServiceClient)
	t.Cleanup(func() { p.Close() })
	return p, s
}

func entries(n int, idle int32) []*presencet.ReportEntry {
	out := make([]*presencet.ReportEntry, n)
	for i := range out {
		out[i] = &presencet.ReportEntry{User: commont.UserId(i + 1), IdleSeconds: idle}
	}
	return out
}

func users(n int) []commont.UserId {
	out := make([]commont.UserId, n)
	for i := range out {
		out[i] = commont.UserId(i + 1)
	}
	return out
}

func TestBadInputOverThrift(t *testing.T) {
	p, _ := dial(t)
	tests := []struct {
		name  string
		call  func(ctx context.Context, c *client) error
		field string
	}{
		{"empty reporter", func(ctx context.Context, c *client) error {
			_, err := c.Report(ctx, "", 5000, entries(1, 0))
			return err
		}, "reporter"},
		{"unknown reporter", func(ctx context.Context, c *client) error {
			_, err := c.Report(ctx, "chan-z", 5000, entries(1, 0))
			return err
		}, "reporter"},
		{"reporter over 128 bytes", func(ctx context.Context, c *client) error {
			_, err := c.Report(ctx, string(make([]byte, 129)), 5000, entries(1, 0))
			return err
		}, "reporter"},
		{"negative idle", func(ctx context.Context, c *client) error {
			_, err := c.Report(ctx, "chan-a", 5000, entries(3, -1))
			return err
		}, "entries"},
		{"zero user", func(ctx context.Context, c *client) error {
			_, err := c.Report(ctx, "chan-a", 5000, []*presencet.ReportEntry{{User: 0}})
			return err
		}, "entries"},
		{"interval zero", func(ctx context.Context, c *client) error {
			_, err := c.Report(ctx, "chan-a", 0, entries(1, 0))
			return err
		}, "intervalMs"},
		{"interval over ten minutes", func(ctx context.Context, c *client) error {
			_, err := c.Report(ctx, "chan-a", 600_001, entries(1, 0))
			return err
		}, "intervalMs"},
		{"multiGet over 10,000 users", func(ctx context.Context, c *client) error {
			_, err := c.MultiGet(ctx, users(presenceclient.MaxGet+1))
			return err
		}, "users"},
		{"multiGet of a negative id", func(ctx context.Context, c *client) error {
			_, err := c.MultiGet(ctx, []commont.UserId{1, -2})
			return err
		}, "users"},
		{"changedSince a negative version", func(ctx context.Context, c *client) error {
			_, err := c.ChangedSince(ctx, users(2), -1)
			return err
		}, "sinceVersion"},
		{"changedSince of a zero id", func(ctx context.Context, c *client) error {
			_, err := c.ChangedSince(ctx, []commont.UserId{0}, 0)
			return err
		}, "users"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Call(context.Background(), tt.call)
			var x *commont.InvalidInput
			if !errors.As(err, &x) || x.Field != tt.field || x.Message == "" {
				t.Fatalf("err = %v; want InvalidInput on %q with a message", err, tt.field)
			}
		})
	}
	// The refusals were clean replies: the same pool still works.
	if err := p.Call(context.Background(), func(ctx context.Context, c *client) error {
		n, err := c.Report(ctx, "chan-a", 5000, entries(3, 0))
		if err == nil && n != 3 {
			err = errors.New("took fewer entries than sent")
		}
		return err
	}); err != nil {
		t.Fatalf("valid report after the refusals: %v", err)
	}
}

// TestOversizeReport: past 100,000 entries the handler refuses the batch. On
// the wire such a batch is already past the 1 MiB frame, so the server drops
// the connection without reading it, and keeps serving others.
func TestOversizeReport(t *testing.T) {
	tab, err := table.New(shardtest.Config())
	if err != nil {
		t.Fatal(err)
	}
	h := thriftapi.New(tab, nil)
	_, err = h.Report(context.Background(), "chan-a", 5000, entries(presenceclient.MaxReport+1, 0))
	var x *commont.InvalidInput
	if !errors.As(err, &x) || x.Field != "entries" {
		t.Fatalf("handler: %d entries: err = %v; want InvalidInput on entries", presenceclient.MaxReport+1, err)
	}
	if n, err := h.Report(context.Background(), "chan-a", 5000, entries(presenceclient.MaxReport, 0)); err != nil || n != presenceclient.MaxReport {
		t.Fatalf("handler: exactly %d entries: %d, %v; want all taken", presenceclient.MaxReport, n, err)
	}

	p, _ := dial(t)
	err = p.Call(context.Background(), func(ctx context.Context, c *client) error {
		_, err := c.Report(ctx, "chan-a", 5000, entries(presenceclient.MaxReport+1, 0))
		return err
	})
	if err == nil {
		t.Fatal("a 1.9 MB report went through a 1 MiB frame limit")
	}
	if err := p.Call(context.Background(), func(ctx context.Context, c *client) error {
		_, err := c.MultiGet(ctx, users(3))
		return err
	}); err != nil {
		t.Fatalf("the server stopped serving after an oversize frame: %v", err)
	}
}

func TestReportThenRead(t *testing.T) {
	p, s := dial(t)
	ctx := context.Background()
	var got []*presencet.Presence
	var ch *presencet.Changes
	err := p.Call(ctx, func(ctx context.Context, c *client) error {
		if _, err := c.Report(ctx, "chan-a", 5000, []*presencet.ReportEntry{{User: 1}, {User: 2, IdleSeconds: 600}}); err != nil {
			return err
		}
		var err error
		if got, err = c.MultiGet(ctx, []commont.UserId{2, 3, 1}); err != nil {
			return err
		}
		ch, err = c.ChangedSince(ctx, []commont.UserId{1, 2, 3}, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []presencet.State{presencet.State_IDLE, presencet.State_OFFLINE, presencet.State_ACTIVE}
	for i, p := range got {
		if p.State != want[i] {
			t.Errorf("multiGet[%d] (user %d) = %v; want %v", i, p.User, p.State, want[i])
		}
	}
	if now := time.Now().UnixMilli(); got[0].LastActiveMs > now-599_000 || got[0].LastActiveMs < now-602_000 {
		t.Errorf("user 2 reported idle 600 s: lastActiveMs is %d ms before now", now-got[0].LastActiveMs)
	}
	if got[1].LastActiveMs != 0 {
		t.Errorf("never-seen user 3: lastActiveMs = %d; want 0", got[1].LastActiveMs)
	}
	if len(ch.Changed) != 3 || ch.Version <= 0 {
		t.Errorf("changedSince 0 = %v; want all three users and a version", ch)
	}
	if r, _ := s.Table.Reporter(1); r != "chan-a" {
		t.Errorf("reporter of user 1 = %q; want chan-a", r)
	}
}

func TestLimitsAgree(t *testing.T) {
	if thriftapi.MaxReport != presenceclient.MaxReport || thriftapi.MaxGet != presenceclient.MaxGet ||
		table.MaxReporterLen != presenceclient.MaxReporterLen || table.MinInterval != presenceclient.MinInterval ||
		table.MaxInterval != presenceclient.MaxInterval || table.MaxIdle != presenceclient.MaxIdle {
		t.Fatal("the table's limits and presenceclient's copies of them differ")
	}
}

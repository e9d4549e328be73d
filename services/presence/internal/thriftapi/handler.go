// Package thriftapi serves the presence table as the Thrift PresenceService:
// it enforces the contract's limits, converts between IDL and domain types,
// and maps domain errors to the typed InvalidInput. Any other error reaches
// the caller as an opaque internal error.
package thriftapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/prometheus/client_golang/prometheus"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/presence/internal/table"
)

// The contract's bounds on one call, which presenceclient repeats for
// callers (a test keeps the copies equal).
const (
	// MaxReport bounds the entries of one report.
	MaxReport = 50_000
	// MaxGet bounds the users of one multiGet or changedSince.
	MaxGet = 10_000
)

// Handler implements presencet.PresenceService over a table.
type Handler struct {
	t       *table.Table
	entries prometheus.Counter
}

var _ presencet.PresenceService = (*Handler)(nil)

// New returns a handler for t, counting taken entries in reg (nil: not
// registered).
func New(t *table.Table, reg prometheus.Registerer) *Handler {
	h := &Handler{t: t, entries: prometheus.NewCounter(prometheus.CounterOpts{
		Name: "presence_report_entries_total", Help: "Report entries taken into the presence table.",
	})}
	if reg != nil {
		reg.MustRegister(h.entries)
	}
	return h
}

// Processor is the Thrift processor for h, ready for rpc.Listen.
func (h *Handler) Processor() thrift.TProcessor { return presencet.NewPresenceServiceProcessor(h) }

// Report takes a batch from one reporter; see the IDL.
func (h *Handler) Report(_ context.Context, reporter string, intervalMs int32, entries []*presencet.ReportEntry) (int32, error) {
	if len(entries) > MaxReport {
		return 0, invalid("entries", "%d entries: at most %d per report", len(entries), MaxReport)
	}
	in := make([]table.Entry, len(entries))
	for i, e := range entries {
		if e == nil {
			return 0, invalid("entries", "entry %d is null", i)
		}
		in[i] = table.Entry{User: int64(e.User), Idle: time.Duration(e.IdleSeconds) * time.Second}
	}
	n, err := h.t.Report(reporter, time.Duration(intervalMs)*time.Millisecond, in)
	if err != nil {
		return 0, mapErr(err)
	}
	h.entries.Add(float64(n))
	return int32(n), nil
}

// MultiGet answers each user's presence, in order; see the IDL.
func (h *Handler) MultiGet(_ context.Context, users []commont.UserId) ([]*presencet.Presence, error) {
	ids, err := checkUsers(users)
	if err != nil {
		return nil, err
	}
	return toWire(h.t.Get(ids, make([]table.Presence, 0, len(ids)))), nil
}

// ChangedSince answers the users whose state changed after sinceVersion;
// see the IDL.
func (h *Handler) ChangedSince(_ context.Context, users []commont.UserId, sinceVersion int64) (*presencet.Changes, error) {
	if sinceVersion < 0 {
		return nil, invalid("sinceVersion", "version %d is negative", sinceVersion)
	}
	ids, err := checkUsers(users)
	if err != nil {
		return nil, err
	}
	v, changed := h.t.Changed(ids, sinceVersion, nil)
	return &presencet.Changes{Version: v, Changed: toWire(changed)}, nil
}

func checkUsers(users []commont.UserId) ([]int64, error) {
	if len(users) > MaxGet {
		return nil, invalid("users", "%d users: at most %d per call", len(users), MaxGet)
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		if u <= 0 {
			return nil, invalid("users", "user id %d is not positive", u)
		}
		ids[i] = int64(u)
	}
	return ids, nil
}

func invalid(field, format string, args ...any) error {
	return &commont.InvalidInput{Message: fmt.Sprintf(format, args...), Field: field}
}

// mapErr turns the table's refusals into InvalidInput; anything else stays
// an internal error, which the caller sees without detail.
func mapErr(err error) error {
	var ie *table.InputError
	if errors.As(err, &ie) {
		return &commont.InvalidInput{Message: ie.Reason, Field: ie.Field}
	}
	return err
}

package pollproxy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// begin registers a poll unless draining; the poll's context is cancelled
// by Drain or when the request ends.
func (p *Proxy) begin(parent context.Context) (*poll, context.Context, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.draining {
		return nil, nil, false
	}
	ctx, cancel := context.WithCancelCause(parent)
	pl := &poll{cancel: cancel}
	p.polls[pl] = struct{}{}
	p.inFlight.Inc()
	p.outcomes.WithLabelValues("relayed").Inc()
	return pl, ctx, true
}

func (p *Proxy) end(pl *poll) {
	pl.cancel(context.Canceled)
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.polls, pl)
	p.inFlight.Dec()
	if p.draining && len(p.polls) == 0 && p.idle != nil {
		close(p.idle)
		p.idle = nil
	}
}

// Drain refuses new polls and answers the relayed ones with 503, spread
// evenly over window so their browsers do not all come back at once; it
// returns when all have ended, or with ctx's error.
func (p *Proxy) Drain(ctx context.Context, window time.Duration) error {
	p.mu.Lock()
	p.draining = true
	idle := make(chan struct{})
	if len(p.polls) == 0 {
		close(idle)
	} else {
		p.idle = idle
	}
	polls := make([]*poll, 0, len(p.polls))
	for pl := range p.polls {
		polls = append(polls, pl)
	}
	p.mu.Unlock()

	start := time.Now()
	for i, pl := range polls {
		at := start.Add(window * time.Duration(i) / time.Duration(len(polls)))
		if d := time.Until(at); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
		pl.cancel(errDraining)
	}
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("drain polls: %w", ctx.Err())
	}
}

// Close drops idle upstream connections.
func (p *Proxy) Close() { p.transport.CloseIdleConnections() }

// answer writes a poll answer in the channel protocol's error shape.
func answer(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(struct {
		Type  string `json:"type"`
		Error string `json:"error"`
	}{typ, msg})
}

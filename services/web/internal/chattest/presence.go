package chattest

import (
	"context"
	"sync"
	"time"

	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
)

// Presence is an in-memory presence table with change versions, as the
// presence tier keeps them: microseconds since the Unix epoch of each change.
type Presence struct {
	mu      sync.Mutex
	states  map[int64]entry
	version int64
	fail    error
	calls   int
	down    map[int64]bool
}

type entry struct {
	p       presenceclient.Presence
	version int64
}

// NewPresence returns a table where everyone is offline.
func NewPresence() *Presence { return &Presence{states: map[int64]entry{}} }

// Set records user's state at version (microseconds; it must increase).
func (p *Presence) Set(user int64, st presenceclient.State, version int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.states[user] = entry{presenceclient.Presence{User: user, State: st, LastActive: time.UnixMicro(version)}, version}
	p.version = max(p.version, version)
}

// Fail makes every later call return err (nil: succeed again).
func (p *Presence) Fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fail = err
}

// Calls counts calls.
func (p *Presence) Calls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls
}

// Get implements chat.Presence.
func (p *Presence) Get(ctx context.Context, users []int64) ([]presenceclient.Presence, error) {
	_, ps, err := p.Changes(ctx, users, 0)
	return ps, err
}

// Changes implements chat.Presence.
func (p *Presence) Changes(_ context.Context, users []int64, since int64) (int64, []presenceclient.Presence, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.fail != nil {
		return 0, nil, p.fail
	}
	out := []presenceclient.Presence{}
	version := p.version
	for _, u := range users {
		if p.down[u] {
			out = append(out, presenceclient.Presence{User: u})
			version = since
			continue
		}
		e, ok := p.states[u]
		if !ok {
			e = entry{p: presenceclient.Presence{User: u, State: presenceclient.Offline}}
		}
		if since == 0 || e.version > since {
			out = append(out, e.p)
		}
	}
	return max(min(version, p.version), since), out, nil
}

// Down makes user's shard unreachable: the user comes back Unknown, and
// Changes' version stays at since, as the real client does.
func (p *Presence) Down(user int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down == nil {
		p.down = map[int64]bool{}
	}
	p.down[user] = true
}

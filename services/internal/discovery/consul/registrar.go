package consul

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/hashicorp/consul/api"
	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

var _ discovery.Registrar = (*Registrar)(nil)

// Registrar registers one instance with the local Consul agent and keeps it
// registered until Deregister.
type Registrar struct {
	client *api.Client
	log    zerolog.Logger
	set    settings

	// mu serializes Register and Deregister; the keep-alive loop never takes
	// it, so Deregister can wait for the loop while holding it.
	mu   sync.Mutex
	reg  *api.AgentServiceRegistration // nil while not registered
	stop context.CancelFunc            // stops the keep-alive loop; nil once stopped
	done chan struct{}                 // closed when the keep-alive loop has returned
}

// NewRegistrar returns a Registrar talking to client's agent. It reads
// WithCheck, WithDeregisterAfter, WithKeepAlive and WithBackoff.
func NewRegistrar(client *api.Client, log zerolog.Logger, opts ...Option) *Registrar {
	return &Registrar{client: client, log: log, set: newSettings(opts)}
}

// Register registers inst with an HTTP check on healthURL. It retries with
// backoff while the agent is unreachable, until ctx ends; once the agent has
// accepted it, a goroutine re-registers whenever the agent loses it (an
// agent restarted in dev mode forgets everything) until Deregister.
func (r *Registrar) Register(ctx context.Context, inst discovery.Instance, healthURL string) error {
	reg, err := r.registration(inst, healthURL)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.reg != nil {
		return fmt.Errorf("register %s: this registrar already holds %s", inst.ID, r.reg.ID)
	}
	for attempt := 1; ; attempt++ {
		err := r.put(ctx, reg)
		if err == nil {
			break
		}
		if permanent(err) || ctx.Err() != nil {
			return err
		}
		r.log.Warn().Err(err).Int("attempt", attempt).Msg("consul agent unreachable; retrying registration")
		if !sleep(ctx, r.set.backoff(attempt)) {
			return err
		}
	}
	// The loop outlives Register's ctx: it is owned by the Registrar and
	// stopped only by Deregister.
	loopCtx, stop := context.WithCancel(context.Background())
	r.reg, r.stop, r.done = reg, stop, make(chan struct{})
	go r.keepAlive(loopCtx, reg, r.done)
	r.log.Info().Str("registration", reg.ID).Str("check", healthURL).Msg("registered with consul")
	return nil
}

// Deregister stops the keep-alive loop and removes the registration. It is
// idempotent; if the agent cannot be reached it returns the error and a
// later call tries again (Consul reaps the instance anyway once its check has
// been critical for the deregister-after time).
func (r *Registrar) Deregister(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.reg == nil {
		return nil
	}
	if r.stop != nil {
		// Wait for the loop so it cannot re-register after the removal below.
		r.stop()
		<-r.done
		r.stop = nil
	}
	q := (&api.QueryOptions{}).WithContext(ctx)
	if err := r.client.Agent().ServiceDeregisterOpts(r.reg.ID, q); err != nil && !statusIs(err, http.StatusNotFound) {
		return fmt.Errorf("deregister %s from consul: %w", r.reg.ID, err)
	}
	r.log.Info().Str("registration", r.reg.ID).Msg("deregistered from consul")
	r.reg = nil
	return nil
}

// keepAlive re-registers reg whenever the agent no longer holds it.
func (r *Registrar) keepAlive(ctx context.Context, reg *api.AgentServiceRegistration, done chan<- struct{}) {
	defer close(done)
	failures := 0
	for {
		wait := r.set.keepAlive
		if failures > 0 {
			wait = r.set.backoff(failures)
		}
		if !sleep(ctx, wait) {
			return
		}
		err := r.ensure(ctx, reg)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			failures++
			r.log.Warn().Err(err).Str("registration", reg.ID).Int("attempt", failures).Msg("cannot verify consul registration")
		case failures > 0:
			r.log.Info().Str("registration", reg.ID).Msg("consul registration verified again")
			failures = 0
		}
	}
}

// ensure registers reg again if the agent does not know it.
func (r *Registrar) ensure(ctx context.Context, reg *api.AgentServiceRegistration) error {
	_, _, err := r.client.Agent().Service(reg.ID, (&api.QueryOptions{}).WithContext(ctx))
	if err == nil {
		return nil
	}
	if !statusIs(err, http.StatusNotFound) {
		return fmt.Errorf("look up %s on the consul agent: %w", reg.ID, err)
	}
	r.log.Info().Str("registration", reg.ID).Msg("consul agent lost the registration; registering again")
	return r.put(ctx, reg)
}

func (r *Registrar) put(ctx context.Context, reg *api.AgentServiceRegistration) error {
	// ReplaceExistingChecks makes a repeated registration converge to exactly
	// our check, whatever the agent held before.
	opts := api.ServiceRegisterOpts{ReplaceExistingChecks: true}.WithContext(ctx)
	if err := r.client.Agent().ServiceRegisterOpts(reg, opts); err != nil {
		return fmt.Errorf("register %s with consul: %w", reg.ID, err)
	}
	return nil
}

// registration builds the agent's registration for inst.
func (r *Registrar) registration(inst discovery.Instance, healthURL string) (*api.AgentServiceRegistration, error) {
	if inst.ID == "" || inst.Service == "" {
		return nil, fmt.Errorf("register %q of %q: instance needs an ID and a service", inst.ID, inst.Service)
	}
	host, p, err := net.SplitHostPort(inst.Addr)
	if err != nil {
		return nil, fmt.Errorf("register %s: address: %w", inst.ID, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("register %s: address %q: bad port", inst.ID, inst.Addr)
	}
	if u, err := url.Parse(healthURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("register %s: health URL %q is not an absolute http(s) URL", inst.ID, healthURL)
	}
	return &api.AgentServiceRegistration{
		ID:      inst.ID,
		Name:    inst.Service,
		Address: host,
		Port:    port,
		Meta:    maps.Clone(inst.Meta),
		Check: &api.AgentServiceCheck{
			Name:                           inst.Service + " health",
			HTTP:                           healthURL,
			Interval:                       r.set.checkInterval.String(),
			Timeout:                        r.set.checkTimeout.String(),
			DeregisterCriticalServiceAfter: r.set.deregisterAfter.String(),
		},
	}, nil
}

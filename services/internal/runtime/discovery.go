package runtime

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/discovery/consul"
)

// consulClient is built once, on first use, when -consul is set.
func (r *Runtime) consulClient() (*api.Client, error) {
	if r.consul != nil {
		return r.consul, nil
	}
	cfg := api.DefaultConfig()
	cfg.Address = r.Config.Consul
	c, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("consul client %s: %w", r.Config.Consul, err)
	}
	r.consul = c
	return c, nil
}

// Resolver follows service: through Consul when -consul is set, otherwise
// over the static instances in spec (see ParseStatic). It is closed on
// shutdown, after the servers stop.
func (r *Runtime) Resolver(service, spec string) (discovery.Resolver, error) {
	var res discovery.Resolver
	if r.Config.Consul == "" {
		insts, err := ParseStatic(service, spec)
		if err != nil {
			return nil, err
		}
		res = discovery.NewStatic(insts...)
	} else {
		c, err := r.consulClient()
		if err != nil {
			return nil, err
		}
		cr := consul.NewResolver(c, service, r.Log.With().Str("resolve", service).Logger())
		// Wait briefly for a first view so early calls find owners; carry on
		// without one if Consul is slow: the view fills in as it answers.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := cr.Ready(ctx); err != nil {
			r.Log.Warn().Err(err).Str("service", service).Msg("no view from consul yet")
		}
		cancel()
		res = cr
	}
	r.OnStop(PhaseStores, "resolver "+service, func(context.Context) error { return res.Close() })
	return res, nil
}

// Announce registers inst with Consul (nothing in static mode), health-checked
// on the admin port's /readyz, and deregisters it first thing on shutdown.
func (r *Runtime) Announce(ctx context.Context, inst discovery.Instance) error {
	if inst.Meta == nil {
		inst.Meta = map[string]string{}
	}
	host, _, _ := net.SplitHostPort(inst.Addr)
	inst.Meta[discovery.MetaAdminAddr] = net.JoinHostPort(host, portOf(r.AdminAddr()))
	if inst.ID == "" {
		inst.ID = r.Config.Instance
	}
	var reg discovery.Registrar = discovery.NopRegistrar{}
	if r.Config.Consul != "" {
		c, err := r.consulClient()
		if err != nil {
			return err
		}
		reg = consul.NewRegistrar(c, r.Log)
	}
	// Register retries while the agent is away; give up after a while
	// rather than hang startup forever.
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := reg.Register(ctx, inst, r.HealthURL(host)); err != nil {
		return err
	}
	r.OnStop(PhaseDeregister, "deregister", reg.Deregister)
	return nil
}

// AdvertiseAddr is the address peers should dial for a listener bound at
// bound: the -advertise host if set, else the bound host, else (bound to all
// addresses, as in a container) the first non-loopback IPv4 address, else
// the hostname.
func (r *Runtime) AdvertiseAddr(bound net.Addr) string {
	host, port, _ := net.SplitHostPort(bound.String())
	switch {
	case r.Config.Advertise != "":
		host = r.Config.Advertise
	case host == "" || host == "::" || host == "0.0.0.0":
		host = outboundIP()
	}
	return net.JoinHostPort(host, port)
}

func outboundIP() string {
	addrs, err := net.InterfaceAddrs()
	if err == nil {
		for _, a := range addrs {
			if ip, ok := a.(*net.IPNet); ok && !ip.IP.IsLoopback() && ip.IP.To4() != nil {
				return ip.IP.String()
			}
		}
	}
	return hostname()
}

// ParseStatic reads a static instance list: comma-separated Thrift addresses,
// each optionally followed by |key=value metadata, as in
// "127.0.0.1:9101|http_addr=127.0.0.1:8101". An instance's id is its address.
func ParseStatic(service, spec string) ([]discovery.Instance, error) {
	var out []discovery.Instance
	for _, item := range List(spec) {
		fields := strings.Split(item, "|")
		if _, _, err := net.SplitHostPort(fields[0]); err != nil {
			return nil, fmt.Errorf("static %s instance %q: %w", service, item, err)
		}
		inst := discovery.Instance{ID: fields[0], Service: service, Addr: fields[0], Meta: map[string]string{}}
		for _, kv := range fields[1:] {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return nil, fmt.Errorf("static %s instance %q: metadata %q is not key=value", service, item, kv)
			}
			inst.Meta[k] = v
		}
		out = append(out, inst)
	}
	return out, nil
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// Command channel is the channel service: one message queue per user, read
// by the browser's HTTP long-poll and written by the web tier over Thrift.
// It only composes; the parts live in internal/.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	channelt "github.com/thriftchat/thriftchat/gen-go/channel"
	"github.com/thriftchat/thriftchat/services/channel/channelclient"
	"github.com/thriftchat/thriftchat/services/channel/internal/config"
	"github.com/thriftchat/thriftchat/services/channel/internal/longpoll"
	"github.com/thriftchat/thriftchat/services/channel/internal/metrics"
	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/channel/internal/report"
	"github.com/thriftchat/thriftchat/services/channel/internal/shard"
	"github.com/thriftchat/thriftchat/services/channel/internal/thriftapi"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/ports"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/internal/runtime"
	"github.com/thriftchat/thriftchat/services/internal/token"
	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
)

func main() { runtime.Main("channel", ports.ChannelAdmin, run) }

// run serves until ctx ends, then shuts down in order: not ready,
// deregister, drain the parked polls, stop the servers, stop the rest.
func run(ctx context.Context, args []string, logOut io.Writer) error {
	cfg, err := config.Parse(args)
	if err != nil {
		return err
	}
	r, err := runtime.New("channel", cfg.Common, logOut)
	if err != nil {
		return err
	}
	signer, err := token.NewSigner([]byte(cfg.TokenSecret))
	if err != nil {
		return err
	}

	// Bind both ports first: the advertised addresses name this instance
	// in the view, and the shard needs them before anything is served.
	var api thriftapi.Handler // filled in below, before Serve
	tsrv, err := rpc.Listen(cfg.ThriftAddr, channelt.NewChannelServiceProcessor(&api), rpc.ServerOptions{Metrics: r.Metrics, Log: r.Log})
	if err != nil {
		return err
	}
	httpLn, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		tsrv.Shutdown(ctx)
		return fmt.Errorf("long-poll listen %s: %w", cfg.HTTPAddr, err)
	}
	// Until the servers are handed to the runtime, an error closes them here.
	started := false
	defer func() {
		if !started {
			tsrv.Shutdown(context.Background())
			httpLn.Close()
		}
	}()
	self := discovery.Instance{Service: "channel", Addr: r.AdvertiseAddr(tsrv.Addr()), Meta: map[string]string{
		channelclient.MetaHTTPAddr: r.AdvertiseAddr(httpLn.Addr()),
		discovery.MetaPollURL:      cfg.PublicURL,
	}}

	spec := cfg.ChannelAddrs
	if spec == "" {
		spec = fmt.Sprintf("%s|%s=%s|%s=%s", self.Addr, channelclient.MetaHTTPAddr, self.Meta[channelclient.MetaHTTPAddr], discovery.MetaPollURL, cfg.PublicURL)
	}
	channels, err := r.Resolver("channel", spec)
	if err != nil {
		return err
	}
	if !inView(channels.View(), self.Addr) && cfg.Consul == "" {
		r.Log.Warn().Str("self", self.Addr).Str("channel_addrs", spec).Msg("this instance is not in -channel-addrs: it will own no user (set -advertise?)")
	}

	hub := queue.NewHub(cfg.Queue)
	m := metrics.New(r.Metrics, hub)
	sh := shard.New(shard.Options{Self: self.Addr, Resolver: channels, Hub: hub, OnDrop: func(n int) { m.Dropped.Add(float64(n)) }})
	api = *thriftapi.New(sh, cfg.PublicURL, m)
	lp, err := longpoll.New(httpLn, longpoll.Options{
		Shard: sh, Signer: signer, Metrics: m, Log: r.Log, Origins: cfg.Origins(), Hold: cfg.Hold, Jitter: cfg.HoldJitter,
	})
	if err != nil {
		return err
	}

	background, stopBackground := context.WithCancel(context.Background())
	started = true
	r.Go("thrift", tsrv.Serve)
	r.Go("long-poll", lp.Serve)
	r.Go("shard", func() error { return sh.Run(background) })
	r.OnStop(runtime.PhaseDrain, "long-polls", func(ctx context.Context) error { return lp.Drain(ctx, cfg.DrainWindow) })
	r.OnStop(runtime.PhaseServers, "long-poll", lp.Shutdown)
	r.OnStop(runtime.PhaseServers, "thrift", tsrv.Shutdown)
	r.OnStop(runtime.PhaseStores, "background", func(context.Context) error { stopBackground(); return nil })
	if err := startReports(background, r, cfg, sh); err != nil {
		return shutdownEarly(r, err)
	}
	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	err = r.Announce(actx, self)
	cancel()
	if err != nil {
		return shutdownEarly(r, err)
	}
	r.Log.Info().Str("thrift", self.Addr).Str("http", self.Meta[channelclient.MetaHTTPAddr]).Msg("serving")
	r.SetReady()
	return r.Run(ctx)
}

// startReports runs the presence report loop when a presence tier is known:
// through Consul, or the static -presence-addrs.
func startReports(ctx context.Context, r *runtime.Runtime, cfg config.Config, sh *shard.Shard) error {
	if cfg.Consul == "" && cfg.PresenceAddrs == "" {
		r.Log.Info().Msg("no presence tier configured (-presence-addrs or -consul): presence reporting off")
		return nil
	}
	presence, err := r.Resolver("presence", cfg.PresenceAddrs)
	if err != nil {
		return err
	}
	client := presenceclient.New(presence)
	r.OnStop(runtime.PhaseStores, "presence client", func(context.Context) error { return client.Close() })
	loop := &report.Loop{ID: r.Config.Instance, Interval: cfg.ReportInterval, Connected: sh.Connected, Reporter: client, Log: r.Log}
	r.Go("presence reports", func() error { return loop.Run(ctx) })
	return nil
}

// shutdownEarly stops what was started when composing fails half-way: Run
// with a cancelled context goes straight to the ordered shutdown.
func shutdownEarly(r *runtime.Runtime, cause error) error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.Run(ctx)
	return cause
}

func inView(v *discovery.View, addr string) bool {
	for _, in := range v.Instances() {
		if in.Addr == addr {
			return true
		}
	}
	return false
}

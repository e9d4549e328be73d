// Command presence serves the presence tier: a soft-state table of who is
// online, fed in batches by channel instances and read by the web tier, one
// shard of the users per instance.
package main

import (
	"context"
	"io"
	"time"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/ports"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/internal/runtime"
	"github.com/thriftchat/thriftchat/services/presence/internal/config"
	"github.com/thriftchat/thriftchat/services/presence/internal/table"
	"github.com/thriftchat/thriftchat/services/presence/internal/thriftapi"
	"github.com/thriftchat/thriftchat/services/presence/internal/upkeep"
)

func main() { runtime.Main("presence", ports.PresenceAdmin, run) }

// run composes the instance and serves until ctx ends.
func run(ctx context.Context, args []string, logOut io.Writer) error {
	cfg, err := config.Parse(args)
	if err != nil {
		return err
	}
	r, err := runtime.New("presence", cfg.Common, logOut)
	if err != nil {
		return err
	}
	tab, err := table.New(cfg.Table())
	if err != nil {
		return shutdownEarly(r, err)
	}
	srv, err := rpc.Listen(cfg.ThriftAddr, thriftapi.New(tab, r.Metrics).Processor(),
		rpc.ServerOptions{Metrics: r.Metrics, Log: r.Log})
	if err != nil {
		return shutdownEarly(r, err)
	}
	r.Go("thrift", srv.Serve)
	r.OnStop(runtime.PhaseServers, "thrift", srv.Shutdown)
	r.Log.Info().Str("addr", srv.Addr().String()).Msg("serving thrift")

	// The background loops stop with the stores, after the server: the
	// table is in use until the last call has finished.
	res, err := r.Resolver("presence", cfg.Peers)
	if err != nil {
		return shutdownEarly(r, err)
	}
	loops, stopLoops := context.WithCancel(context.Background())
	r.OnStop(runtime.PhaseStores, "upkeep", func(context.Context) error { stopLoops(); return nil })
	sweeper := upkeep.NewSweeper(tab, cfg.SweepEvery, r.Log, r.Metrics)
	follower := upkeep.NewFollower(res, tab, r.Log)
	r.Go("sweeper", func() error { return sweeper.Run(loops) })
	r.Go("follower", func() error { return follower.Run(loops) })

	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	err = r.Announce(actx, discovery.Instance{Service: "presence", Addr: r.AdvertiseAddr(srv.Addr())})
	cancel()
	if err != nil {
		return shutdownEarly(r, err)
	}
	r.SetReady()
	return r.Run(ctx)
}

// shutdownEarly stops whatever was started when composing fails half-way:
// Run with an ended context goes straight to the ordered shutdown.
func shutdownEarly(r *runtime.Runtime, cause error) error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.Run(ctx)
	return cause
}

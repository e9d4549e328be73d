// Command chatlog serves the chatlog tier: the durable, idempotent record of
// every conversation, partitioned by conversation across instances.
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/config"
	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
	"github.com/thriftchat/thriftchat/services/chatlog/internal/pebblestore"
	"github.com/thriftchat/thriftchat/services/chatlog/internal/thriftapi"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/ports"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/internal/runtime"
)

func main() { runtime.Main("chatlog", ports.ChatlogAdmin, run) }

// run composes the instance and serves until ctx ends.
func run(ctx context.Context, args []string, logOut io.Writer) error {
	cfg, err := config.Parse(args)
	if err != nil {
		return err
	}
	r, err := runtime.New("chatlog", cfg.Common, logOut)
	if err != nil {
		return err
	}
	store, err := pebblestore.Open(pebblestore.Options{
		Dir: cfg.DataDir, MaxBatch: cfg.CommitMaxBatch, Linger: cfg.CommitLinger,
		Metrics: r.Metrics, Log: r.Log.With().Str("component", "pebble").Logger(),
	})
	if err != nil {
		return err
	}
	// Registered before the resolver, so it closes first within the last
	// phase; by then the Thrift server has stopped and nothing calls it.
	r.OnStop(runtime.PhaseStores, "store", func(context.Context) error { return store.Close() })

	own := &thriftapi.Ownership{}
	srv, err := rpc.Listen(cfg.ThriftAddr, thriftapi.New(convlog.New(store), own, r.Log).Processor(),
		rpc.ServerOptions{Metrics: r.Metrics, Log: r.Log})
	if err != nil {
		store.Close()
		return err
	}
	self := r.AdvertiseAddr(srv.Addr())
	res, err := r.Resolver("chatlog", peers(cfg, self))
	if err == nil {
		err = checkListed(cfg, res, self)
	}
	if err != nil {
		srv.Shutdown(context.Background())
		store.Close()
		return err
	}
	own.Bind(res, self)
	r.Go("thrift", srv.Serve)
	r.OnStop(runtime.PhaseServers, "thrift", srv.Shutdown)
	r.Log.Info().Str("thrift", srv.Addr().String()).Str("advertise", self).Str("data_dir", cfg.DataDir).Msg("serving")

	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	err = r.Announce(actx, discovery.Instance{Service: "chatlog", Addr: self})
	cancel()
	if err != nil {
		srv.Shutdown(context.Background())
		store.Close()
		return err
	}
	r.SetReady()
	return r.Run(ctx)
}

// peers is the static instance list: this instance alone unless told.
func peers(cfg config.Config, self string) string {
	if cfg.Peers == "" {
		return self
	}
	return cfg.Peers
}

// checkListed refuses a static list that leaves this instance out: it
// would own nothing and send every caller elsewhere, possibly to itself
// under another name.
func checkListed(cfg config.Config, res discovery.Resolver, self string) error {
	if cfg.Common.Consul != "" {
		return nil
	}
	for _, in := range res.View().Instances() {
		if in.Addr == self {
			return nil
		}
	}
	return fmt.Errorf("-chatlog-addrs %q does not list this instance's address %s (see -advertise)", cfg.Peers, self)
}

// Package shardtest starts real presence shards (a table behind the Thrift
// adapter on a loopback port) for tests and benchmarks of the tier.
package shardtest

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/presence/internal/table"
	"github.com/thriftchat/thriftchat/services/presence/internal/thriftapi"
)

// Shard is one running presence instance.
type Shard struct {
	Table  *table.Table
	Server *rpc.Server
	done   chan error
}

// Config is what Start uses when the caller passes none: a 3-interval lapse,
// idle after two minutes, room for a million offline users.
func Config() table.Config {
	return table.Config{ExpireAfter: 3, IdleAfter: 2 * time.Minute, MaxOffline: 1_000_000}
}

// Start serves a new table with cfg on 127.0.0.1:0 until the test ends.
func Start(t testing.TB, cfg table.Config) *Shard {
	t.Helper()
	s, err := Serve(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stop shard %s: %v", s.Addr(), err)
		}
	})
	return s
}

// Serve is Start without a test: the caller must Stop the shard.
func Serve(cfg table.Config) (*Shard, error) {
	tab, err := table.New(cfg)
	if err != nil {
		return nil, err
	}
	srv, err := rpc.Listen("127.0.0.1:0", thriftapi.New(tab, nil).Processor(), rpc.ServerOptions{Log: zerolog.Nop()})
	if err != nil {
		return nil, err
	}
	s := &Shard{Table: tab, Server: srv, done: make(chan error, 1)}
	// Owned by the Shard: Stop shuts the server down and waits for Serve.
	go func() { s.done <- srv.Serve() }()
	return s, nil
}

// Addr is the shard's Thrift address.
func (s *Shard) Addr() string { return s.Server.Addr().String() }

// Instance is the shard as discovery lists it; its ID is its address, as in
// static discovery.
func (s *Shard) Instance() discovery.Instance {
	return discovery.Instance{ID: s.Addr(), Service: "presence", Addr: s.Addr()}
}

// Stop shuts the server down and waits for it; safe to call twice.
func (s *Shard) Stop() error {
	if s.done == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.Server.Shutdown(ctx)
	if serr := <-s.done; err == nil {
		err = serr
	}
	s.done = nil
	return err
}

// Instances lists shards for a static view.
func Instances(shards ...*Shard) []discovery.Instance {
	out := make([]discovery.Instance, len(shards))
	for i, s := range shards {
		out[i] = s.Instance()
	}
	return out
}

// Package config is the chatlog service's configuration: one struct, flags
// with THRIFTCHAT_* environment overrides, every default in this file.
package config

import (
	"flag"
	"fmt"
	"time"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/pebblestore"
	"github.com/thriftchat/thriftchat/services/internal/ports"
	"github.com/thriftchat/thriftchat/services/internal/runtime"
)

// Defaults.
const (
	DefaultDataDir        = "./data/chatlog"
	DefaultCommitMaxBatch = pebblestore.DefaultMaxBatch
	DefaultCommitLinger   = time.Duration(0)
)

// Config is everything a chatlog instance is told at start.
type Config struct {
	// Common is what every service takes (instance, admin port, Consul, logs).
	Common runtime.Common
	// ThriftAddr serves ChatlogService.
	ThriftAddr string
	// Peers lists the chatlog instances, this one included, for static
	// discovery ("host:port,host:port"); empty means this instance alone.
	// Ignored with -consul.
	Peers string
	// DataDir holds the embedded store.
	DataDir string
	// CommitMaxBatch caps the messages made durable by one fsync; 1 turns
	// group commit off (one fsync per append).
	CommitMaxBatch int
	// CommitLinger is how long a commit waits for more messages once it has
	// one; 0 commits at once, and what arrives meanwhile joins the next.
	CommitLinger time.Duration
}

// Parse reads the flags in args, then the environment.
func Parse(args []string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("chatlog", flag.ContinueOnError)
	c.Common.Register(fs, ports.ChatlogAdmin)
	fs.StringVar(&c.ThriftAddr, "thrift-addr", ports.Addr("", ports.ChatlogThrift), "Thrift address of ChatlogService")
	fs.StringVar(&c.Peers, "chatlog-addrs", "", "static chatlog instances, this one included, host:port,... (default: this instance alone; without -consul)")
	fs.StringVar(&c.DataDir, "data-dir", DefaultDataDir, "directory of the embedded store")
	fs.IntVar(&c.CommitMaxBatch, "commit-max-batch", DefaultCommitMaxBatch, "most messages made durable by one fsync; 1 means one fsync per append")
	fs.DurationVar(&c.CommitLinger, "commit-linger", DefaultCommitLinger, "how long a group commit waits for more messages (0: commit at once)")
	if err := runtime.Parse(fs, args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case c.DataDir == "":
		return Config{}, fmt.Errorf("-data-dir is empty")
	case c.CommitMaxBatch < 1:
		return Config{}, fmt.Errorf("-commit-max-batch %d: want 1 or more", c.CommitMaxBatch)
	case c.CommitLinger < 0 || c.CommitLinger > time.Second:
		return Config{}, fmt.Errorf("-commit-linger %v: want 0 to 1s", c.CommitLinger)
	}
	if _, err := runtime.ParseStatic("chatlog", c.Peers); err != nil {
		return Config{}, err
	}
	return c, nil
}

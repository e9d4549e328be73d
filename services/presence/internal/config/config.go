// Package config is the presence service's configuration: one struct, flags
// with THRIFTCHAT_* environment overrides, every default in this file.
package config

import (
	"flag"
	"fmt"
	"time"

	"github.com/thriftchat/thriftchat/services/internal/ports"
	"github.com/thriftchat/thriftchat/services/internal/runtime"
	"github.com/thriftchat/thriftchat/services/presence/internal/table"
)

// Defaults.
const (
	DefaultExpireAfter = 3
	DefaultIdleAfter   = 2 * time.Minute
	DefaultMaxOffline  = 1_000_000
	DefaultSweepEvery  = 10 * time.Second
)

// Config is everything a presence instance is told at start.
type Config struct {
	// Common is what every service takes (instance, admin port, Consul, logs).
	Common runtime.Common
	// ThriftAddr serves PresenceService.
	ThriftAddr string
	// Peers lists the presence instances for static discovery ("addr,addr"),
	// so this instance knows when ownership changes; ignored with -consul.
	Peers string
	// ExpireAfter is how many report intervals an entry outlives its last
	// report before it lapses to offline.
	ExpireAfter int
	// IdleAfter is how long after a user's last input they count as idle.
	IdleAfter time.Duration
	// MaxOffline caps the offline users kept for "last seen" (about 50 bytes
	// each); past it the longest-offline are dropped.
	MaxOffline int
	// Reporters, if set, is the closed list of reporter ids accepted (the
	// channel instances' ids); any other is an unknown reporter. Empty
	// accepts any well-formed id.
	Reporters []string
	// SweepEvery is how often the table is swept to bound its memory.
	SweepEvery time.Duration
}

// Parse reads the flags in args, then the environment.
func Parse(args []string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("presence", flag.ContinueOnError)
	c.Common.Register(fs, ports.PresenceAdmin)
	fs.StringVar(&c.ThriftAddr, "thrift-addr", ports.Addr("", ports.PresenceThrift), "Thrift address of PresenceService")
	fs.StringVar(&c.Peers, "presence-addrs", "", "static presence instances, comma-separated host:port, this one included (without -consul)")
	fs.IntVar(&c.ExpireAfter, "expire-after", DefaultExpireAfter, "report intervals missed before a user lapses to offline")
	fs.DurationVar(&c.IdleAfter, "idle-after", DefaultIdleAfter, "time since a user's last input after which they are idle")
	fs.IntVar(&c.MaxOffline, "max-offline", DefaultMaxOffline, "offline users kept for last seen; the longest-offline are dropped past it")
	fs.Func("reporters", "comma-separated reporter ids accepted (default: any)", func(s string) error {
		r, err := ParseReporters(s)
		c.Reporters = r
		return err
	})
	fs.DurationVar(&c.SweepEvery, "sweep-every", DefaultSweepEvery, "how often the table is swept to bound memory")
	if err := runtime.Parse(fs, args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.SweepEvery <= 0 {
		return Config{}, fmt.Errorf("-sweep-every %v: want a positive duration", c.SweepEvery)
	}
	// The table checks its own rules; fail at start, not at first use.
	if _, err := table.New(c.Table()); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Table is the table's share of the configuration.
func (c Config) Table() table.Config {
	return table.Config{ExpireAfter: c.ExpireAfter, IdleAfter: c.IdleAfter, MaxOffline: c.MaxOffline, Reporters: c.Reporters}
}

// ParseReporters splits a comma-separated list of reporter ids, trimming
// spaces and skipping empty items; an id longer than the contract allows,
// or listed twice, is an error.
func ParseReporters(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, item := range runtime.List(s) {
		if len(item) > table.MaxReporterLen {
			return nil, fmt.Errorf("reporter %.20q…: longer than %d bytes", item, table.MaxReporterLen)
		}
		if seen[item] {
			return nil, fmt.Errorf("reporter %q listed twice", item)
		}
		seen[item] = true
		out = append(out, item)
	}
	return out, nil
}

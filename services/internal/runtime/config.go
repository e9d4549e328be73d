// Package runtime is what every thriftchat binary shares: configuration from
// flags and environment, zerolog, the admin port (health, readiness,
// Prometheus metrics, pprof), signal handling and an ordered shutdown.
package runtime

import (
	"flag"
	"os"
	"time"

	"github.com/thriftchat/thriftchat/services/internal/ports"
)

// Common is the configuration every service takes.
type Common struct {
	// Instance names this process in logs and discovery; default host-pid.
	Instance string
	// AdminAddr serves /healthz, /readyz, /metrics and /debug/pprof.
	AdminAddr string
	// Advertise is the host peers use to reach this process; default: the
	// listen host, or the machine's hostname when listening on all addresses.
	Advertise string
	// Consul is the Consul agent's HTTP address; empty means static discovery.
	Consul string
	// LogLevel is zerolog's level name (debug, info, warn, error).
	LogLevel string
	// LogFormat is json, console, or auto (console on a terminal).
	LogFormat string
	// ShutdownTimeout bounds the whole ordered shutdown.
	ShutdownTimeout time.Duration
	// DrainWindow spreads the answers to parked long-polls on shutdown.
	DrainWindow time.Duration
}

// Register adds the common flags to fs with adminPort as the default port.
func (c *Common) Register(fs *flag.FlagSet, adminPort int) {
	fs.StringVar(&c.Instance, "instance", "", "instance id (default hostname-pid)")
	fs.StringVar(&c.AdminAddr, "admin-addr", ports.Addr("", adminPort), "admin HTTP address: health, metrics, pprof")
	fs.StringVar(&c.Advertise, "advertise", "", "host peers use to reach this instance (default: the listen host, else the first non-loopback IPv4)")
	fs.StringVar(&c.Consul, "consul", "", "Consul agent HTTP address (host:port); empty uses static discovery")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&c.LogFormat, "log-format", "auto", "log format: json, console, auto")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "deadline for the whole graceful shutdown")
	fs.DurationVar(&c.DrainWindow, "drain-window", 5*time.Second, "window over which parked long-polls are answered on shutdown")
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	return h
}

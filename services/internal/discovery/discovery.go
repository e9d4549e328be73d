// Package discovery finds service instances and maps keys to their owners.
//
// A Registrar announces this process; a Resolver follows the healthy
// instances of one service and hands out immutable Views. Owner uses
// rendezvous hashing, so a membership change moves about 1/N of the keys.
// The consul subpackage implements both against a Consul agent; Static serves
// the embedded mode with no Consul.
package discovery

import "context"

// Well-known keys of Instance.Meta.
const (
	// MetaPollURL is the public base URL a channel instance serves polls on.
	MetaPollURL = "poll_url"
	// MetaAdminAddr is the instance's admin (health, metrics) address.
	MetaAdminAddr = "admin_addr"
)

// Instance is one running process of a service.
type Instance struct {
	// ID is unique across the service and stable for the process's life.
	ID string
	// Service is the service's name, such as "channel".
	Service string
	// Addr is the Thrift address, host:port.
	Addr string
	// Meta carries extra addresses (see the Meta* keys).
	Meta map[string]string
}

// Registrar announces this process to its peers.
type Registrar interface {
	// Register announces inst, health-checked at healthURL, and keeps the
	// registration alive until Deregister.
	Register(ctx context.Context, inst Instance, healthURL string) error
	// Deregister withdraws the registration; safe to call more than once.
	Deregister(ctx context.Context) error
}

// Resolver follows the healthy instances of one service.
type Resolver interface {
	// View is the latest known view; while the source is away it stays the
	// last good one. Never nil.
	View() *View
	// Close stops following; View keeps answering the last view.
	Close() error
}

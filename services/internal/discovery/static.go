package discovery

import "context"

// Static is a Resolver over a fixed or hand-updated set of instances: the
// embedded mode, with no Consul.
type Static struct{ Latest }

// NewStatic returns a Static resolver serving instances.
func NewStatic(instances ...Instance) *Static {
	s := &Static{}
	s.view = NewView(instances)
	return s
}

// Set replaces the instances; watchers of the old view see it go stale.
func (s *Static) Set(instances ...Instance) { s.Publish(NewView(instances)) }

// Close does nothing; the view stays.
func (s *Static) Close() error { return nil }

// NopRegistrar registers nowhere, for the embedded mode.
type NopRegistrar struct{}

// Register does nothing.
func (NopRegistrar) Register(context.Context, Instance, string) error { return nil }

// Deregister does nothing.
func (NopRegistrar) Deregister(context.Context) error { return nil }

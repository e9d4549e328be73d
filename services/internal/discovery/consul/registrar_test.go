package consul

import (
	"context"
	"testing"

	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// TestRegisterRejectsBadInput needs no agent: bad input fails before any call.
func TestRegisterRejectsBadInput(t *testing.T) {
	good := discovery.Instance{ID: "chan-1", Service: "channel", Addr: "127.0.0.1:9101"}
	tests := []struct {
		name   string
		mutate func(*discovery.Instance)
		health string
	}{
		{"no id", func(i *discovery.Instance) { i.ID = "" }, "http://127.0.0.1:1/readyz"},
		{"no service", func(i *discovery.Instance) { i.Service = "" }, "http://127.0.0.1:1/readyz"},
		{"no port", func(i *discovery.Instance) { i.Addr = "127.0.0.1" }, "http://127.0.0.1:1/readyz"},
		{"port out of range", func(i *discovery.Instance) { i.Addr = "127.0.0.1:70000" }, "http://127.0.0.1:1/readyz"},
		{"relative health URL", func(*discovery.Instance) {}, "/readyz"},
		{"health URL not http", func(*discovery.Instance) {}, "tcp://127.0.0.1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst := good
			tt.mutate(&inst)
			r := NewRegistrar(nil, zerolog.Nop()) // a nil client: any call would panic
			if err := r.Register(context.Background(), inst, tt.health); err == nil {
				t.Fatal("Register accepted bad input")
			}
			if err := r.Deregister(context.Background()); err != nil {
				t.Fatalf("Deregister after a rejected Register: %v", err)
			}
		})
	}
}

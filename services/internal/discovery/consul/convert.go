package consul

import (
	"maps"
	"net"
	"strconv"

	"github.com/hashicorp/consul/api"

	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// instance converts one health entry. An empty service address means "the
// node's address", as in Consul's own DNS answers.
func instance(e *api.ServiceEntry) discovery.Instance {
	host := e.Service.Address
	if host == "" && e.Node != nil {
		host = e.Node.Address
	}
	return discovery.Instance{
		ID:      e.Service.ID,
		Service: e.Service.Service,
		Addr:    net.JoinHostPort(host, strconv.Itoa(e.Service.Port)),
		Meta:    maps.Clone(e.Service.Meta),
	}
}

// view converts a health answer.
func view(entries []*api.ServiceEntry) *discovery.View {
	in := make([]discovery.Instance, 0, len(entries))
	for _, e := range entries {
		if e != nil && e.Service != nil {
			in = append(in, instance(e))
		}
	}
	return discovery.NewView(in)
}

package thriftapi

import (
	"fmt"
	"sync/atomic"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// Ownership decides which conversations this instance serves: those whose
// rendezvous owner, over the current view of chatlog instances, has this
// instance's advertised Thrift address. Addresses, not ids, are compared,
// because ids differ between static and Consul discovery. The zero value
// owns nothing until Bind.
type Ownership struct {
	// The handler needs an Ownership before the listener is bound, and the
	// listener's address is part of the binding: atomic, so no ordering
	// between Bind and the first call is assumed.
	b atomic.Pointer[binding]
}

type binding struct {
	res  discovery.Resolver
	self string
}

// Bind sets the instances to follow and this instance's advertised address.
func (o *Ownership) Bind(res discovery.Resolver, self string) {
	o.b.Store(&binding{res: res, self: self})
}

// Check returns nil when conv is served here, or the NotOwner exception
// naming its owner. With no instance known at all (a Consul view not yet
// filled) this instance serves: refusing would name no one to go to instead.
func (o *Ownership) Check(conv string) *commont.NotOwner {
	b := o.b.Load()
	if b == nil {
		return &commont.NotOwner{Message: "this chatlog instance is still starting"}
	}
	owner, ok := b.res.View().Owner(discovery.HashString(conv))
	if !ok || owner.Addr == b.self {
		return nil
	}
	return &commont.NotOwner{
		Message:   fmt.Sprintf("conversation %s belongs to chatlog %s at %s", conv, owner.ID, owner.Addr),
		OwnerId:   owner.ID,
		OwnerAddr: owner.Addr,
	}
}

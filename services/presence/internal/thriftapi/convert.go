package thriftapi

import (
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/presence/internal/table"
)

// toWire converts presences for the answer, in one allocation for the
// structs and one for the pointers the generated code wants.
func toWire(ps []table.Presence) []*presencet.Presence {
	structs := make([]presencet.Presence, len(ps))
	out := make([]*presencet.Presence, len(ps))
	for i, p := range ps {
		structs[i] = presencet.Presence{User: commont.UserId(p.User), State: stateToWire(p.State)}
		if !p.LastActive.IsZero() {
			structs[i].LastActiveMs = p.LastActive.UnixMilli()
		}
		out[i] = &structs[i]
	}
	return out
}

func stateToWire(s table.State) presencet.State {
	switch s {
	case table.Active:
		return presencet.State_ACTIVE
	case table.Idle:
		return presencet.State_IDLE
	}
	return presencet.State_OFFLINE
}

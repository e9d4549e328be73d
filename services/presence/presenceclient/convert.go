package presenceclient

import (
	"time"

	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
)

// fromWire converts one answered presence; user is the id asked for, so a
// nil element from a faulty peer still lands on the right user, as Unknown.
func fromWire(user int64, p *presencet.Presence) Presence {
	out := Presence{User: user}
	if p == nil {
		return out
	}
	switch p.State {
	case presencet.State_OFFLINE:
		out.State = Offline
	case presencet.State_IDLE:
		out.State = Idle
	case presencet.State_ACTIVE:
		out.State = Active
	}
	if p.LastActiveMs > 0 {
		out.LastActive = time.UnixMilli(p.LastActiveMs)
	}
	return out
}

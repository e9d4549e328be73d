//go:build !linux

package longpoll

import "github.com/rs/zerolog"

// nopReactor watches nothing: off Linux (development machines) a parked
// poll whose browser went away lingers until its hold ends, and answered
// connections go back to net/http for their next request.
type nopReactor struct{}

func newReactor(*lot, zerolog.Logger) (reactor, bool, error) { return nopReactor{}, false, nil }

func (nopReactor) add(int32, uint32) error { return nil }
func (nopReactor) del(int32)               {}
func (nopReactor) close()                  {}

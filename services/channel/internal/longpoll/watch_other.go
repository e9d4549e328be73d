//go:build !linux

package longpoll

import "github.com/rs/zerolog"

// nopWatcher notices no hangups: off Linux (development machines) a parked
// poll whose browser went away lingers until its hold ends.
type nopWatcher struct{}

func newWatcher(func(int32, uint32), zerolog.Logger) (watcher, error) { return nopWatcher{}, nil }

func (nopWatcher) add(int32, uint32) error { return nil }
func (nopWatcher) del(int32)               {}
func (nopWatcher) close()                  {}

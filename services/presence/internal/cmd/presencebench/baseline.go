package main

import (
	"runtime"
	"time"
)

// plainEntry is the entry a first draft would write: readable, no packing.
type plainEntry struct {
	state      uint8
	lastActive time.Time
	expires    time.Time
	version    int64
	reporter   string
}

// measureBaseline runs the same fill, weighing and refresh against a plain
// map[int64]plainEntry with one mutex-free writer: the peer for the table's
// figures. It keeps the table's rules (expiry, idle threshold) so the work
// per entry compares.
func measureBaseline(n, b int) tableFigures {
	bs := batches(n, b)
	before := heap()
	m := map[int64]plainEntry{}
	apply := func(reporter string) {
		now := time.Now()
		for _, es := range bs {
			for _, e := range es {
				old, ok := m[e.User]
				active := now.Add(-e.Idle)
				state := uint8(3)
				if now.Sub(active) >= 2*time.Minute {
					state = 2
				}
				ne := plainEntry{state: state, lastActive: active, expires: now.Add(15 * time.Second), reporter: reporter, version: old.version}
				if !ok || old.state != state {
					ne.version = now.UnixMicro()
				}
				m[e.User] = ne
			}
		}
	}
	var f tableFigures
	start := time.Now()
	apply("chan-1")
	f.fillRate = rate(n, time.Since(start))
	f.bytesPerUser = float64(heap()-before) / float64(n)
	runtime.KeepAlive(bs)
	const rounds = 3
	start = time.Now()
	for range rounds {
		apply("chan-1")
	}
	f.refreshRate = rate(rounds*n, time.Since(start))
	runtime.KeepAlive(m)
	return f
}

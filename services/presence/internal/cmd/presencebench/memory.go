package main

import (
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/thriftchat/thriftchat/services/presence/internal/table"
)

// tableFigures is what one table run measured.
type tableFigures struct {
	bytesPerUser float64
	fillRate     float64 // entries/s reporting users the table has never seen
	refreshRate  float64 // entries/s reporting users already online
}

// heap is the live heap after two collections (the second frees what the
// first's finalizers released).
func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// batches splits users 1..n, shuffled, into reports of size b, prepared
// before any clock starts. Every fifth user is idle.
func batches(n, b int) [][]table.Entry {
	ids := rand.Perm(n)
	var out [][]table.Entry
	for len(ids) > 0 {
		chunk := ids[:min(b, len(ids))]
		ids = ids[len(chunk):]
		es := make([]table.Entry, len(chunk))
		for i, id := range chunk {
			es[i] = table.Entry{User: int64(id + 1)}
			if id%5 == 0 {
				es[i].Idle = 10 * time.Minute
			}
		}
		out = append(out, es)
	}
	return out
}

// measureTable fills a table with n users (timing the fill), weighs it, then
// times refresh rounds over every user.
func measureTable(n, b int) (tableFigures, *table.Table, error) {
	bs := batches(n, b)
	before := heap()
	tab, err := table.New(table.Config{ExpireAfter: 3, IdleAfter: 2 * time.Minute, MaxOffline: n})
	if err != nil {
		return tableFigures{}, nil, err
	}
	var f tableFigures
	start := time.Now()
	for _, es := range bs {
		if _, err := tab.Report("chan-1", 5*time.Second, es); err != nil {
			return f, nil, err
		}
	}
	f.fillRate = rate(n, time.Since(start))
	f.bytesPerUser = float64(heap()-before) / float64(n)
	// The batches are not part of the table, but were counted in before.
	runtime.KeepAlive(bs)

	const rounds = 3
	start = time.Now()
	for range rounds {
		for _, es := range bs {
			tab.Report("chan-1", 5*time.Second, es)
		}
	}
	f.refreshRate = rate(rounds*n, time.Since(start))
	return f, tab, nil
}

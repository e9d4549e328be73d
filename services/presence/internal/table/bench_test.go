package table

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// filled returns a table with users 1..n online, reported in batches.
func filled(b *testing.B, n int) *Table {
	tab, err := New(Config{ExpireAfter: 3, IdleAfter: 2 * time.Minute, MaxOffline: n})
	if err != nil {
		b.Fatal(err)
	}
	for _, es := range shuffled(n, 10_000) {
		if _, err := tab.Report("chan-1", 5*time.Second, es); err != nil {
			b.Fatal(err)
		}
	}
	return tab
}

func shuffled(n, size int) [][]Entry {
	var out [][]Entry
	ids := rand.Perm(n)
	for len(ids) > 0 {
		chunk := ids[:min(size, len(ids))]
		ids = ids[len(chunk):]
		es := make([]Entry, len(chunk))
		for i, id := range chunk {
			es[i] = Entry{User: int64(id + 1)}
		}
		out = append(out, es)
	}
	return out
}

// BenchmarkReportRefresh: ns per entry re-reporting users already online in
// a table of a million (the steady state of a report round).
func BenchmarkReportRefresh(b *testing.B) {
	const n = 1_000_000
	tab := filled(b, n)
	bs := shuffled(n, 10_000)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		tab.Report("chan-1", 5*time.Second, bs[i%len(bs)])
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i*10_000), "ns/entry")
}

// BenchmarkGet1000: a multi-get of 1,000 random users of a million.
func BenchmarkGet1000(b *testing.B) {
	const n = 1_000_000
	tab := filled(b, n)
	ids := make([]int64, 1000)
	for i := range ids {
		ids[i] = int64(rand.IntN(n) + 1)
	}
	out := make([]Presence, 0, len(ids))
	for b.Loop() {
		out = tab.Get(ids, out[:0])
	}
}

// BenchmarkMemory reports the heap a million online users take.
func BenchmarkMemory(b *testing.B) {
	const n = 1_000_000
	for b.Loop() {
		bs := shuffled(n, 10_000)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		tab := filled(b, n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/user")
		runtime.KeepAlive(tab)
		runtime.KeepAlive(bs)
	}
}

// Command presencebench measures one presence instance holding a million
// online users: bytes per user, report ingest rate, and multi-get latency in
// process and over Thrift on loopback. Beside each figure it prints a peer
// measured in the same run: a plain map of a straightforward entry struct.
// scripts/bench-presence.sh (make bench-presence) runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	users := flag.Int("users", 1_000_000, "online users to hold")
	batch := flag.Int("batch", 10_000, "entries per report")
	gets := flag.Int("gets", 2_000, "multi-gets timed per figure")
	getSize := flag.Int("get-size", 1_000, "users per multi-get")
	flag.Parse()
	if err := run(*users, *batch, *gets, *getSize); err != nil {
		fmt.Fprintln(os.Stderr, "presencebench:", err)
		os.Exit(1)
	}
}

func run(users, batch, gets, getSize int) error {
	fmt.Printf("presence benchmark: %d online users, reports of %d, multi-gets of %d (GOMAXPROCS %d, %s)\n\n",
		users, batch, getSize, runtime.GOMAXPROCS(0), runtime.Version())

	// The peer runs first, so its garbage is gone before anything is timed
	// against the table.
	base := measureBaseline(users, batch)
	runtime.GC()
	mem, tab, err := measureTable(users, batch)
	if err != nil {
		return err
	}
	fmt.Println("memory (HeapAlloc after GC, per online user)")
	fmt.Printf("  table          %6.1f B/user   target <= 100\n", mem.bytesPerUser)
	fmt.Printf("  plain map      %6.1f B/user   (%.1fx the table)\n\n", base.bytesPerUser, base.bytesPerUser/mem.bytesPerUser)

	fmt.Println("report ingest, one goroutine (entries/s)")
	fmt.Printf("  table, new users        %10.0f\n", mem.fillRate)
	fmt.Printf("  table, refresh          %10.0f   target >= 1,000,000\n", mem.refreshRate)
	fmt.Printf("  plain map, new users    %10.0f\n", base.fillRate)
	fmt.Printf("  plain map, refresh      %10.0f   (table is %.2fx its rate)\n\n", base.refreshRate, mem.refreshRate/base.refreshRate)

	fmt.Printf("multi-get of %d ids (latency)\n", getSize)
	in := measureInProcess(tab, users, gets, getSize)
	fmt.Printf("  in process        p50 %8s   p99 %8s\n", in.p50, in.p99)
	wire, err := measureThrift(tab, users, gets, getSize)
	if err != nil {
		return err
	}
	fmt.Printf("  over Thrift       p50 %8s   p99 %8s   target p99 <= 2ms\n", wire.get.p50, wire.get.p99)
	fmt.Printf("  changedSince, nothing changed  p50 %8s   p99 %8s\n", wire.poll.p50, wire.poll.p99)
	fmt.Printf("  changedSince of %d, nothing changed  p50 %8s   p99 %8s\n", smallPoll, wire.smallPoll.p50, wire.smallPoll.p99)
	fmt.Printf("  changedSince of %d, %d callers at once  %8.0f calls/s\n", smallPoll, pollers, wire.pollRate)
	fmt.Printf("  report over Thrift, one client %10.0f entries/s\n", wire.reportRate)
	runtime.KeepAlive(tab)
	return nil
}

// rate is n events over d, per second.
func rate(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }

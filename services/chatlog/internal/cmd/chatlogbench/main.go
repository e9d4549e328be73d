// Command chatlogbench measures a real chatlog process over Thrift: durable
// appends per second and append latency from concurrent clients, then
// history latency, with group commit and, as the peer, with one fsync per
// append, each on a fresh data directory. scripts/bench-chatlog.sh runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

// config is the benchmark's knobs.
type config struct {
	bin        string
	dataDir    string
	clients    int
	duration   time.Duration
	peerTime   time.Duration
	convs      int
	textBytes  int
	histories  int
	histLimit  int
	maxBatch   int
	cpuProfile string
}

func main() {
	var c config
	flag.StringVar(&c.bin, "bin", "", "chatlog binary to run (required)")
	flag.StringVar(&c.dataDir, "data", "", "directory for the runs' data, on the disk to measure (required)")
	flag.IntVar(&c.clients, "clients", 64, "concurrent appending clients, one connection each")
	flag.DurationVar(&c.duration, "duration", 5*time.Second, "how long to append with group commit")
	flag.DurationVar(&c.peerTime, "peer-duration", 3*time.Second, "how long to append with one fsync per append")
	flag.IntVar(&c.convs, "convs", 1000, "conversations the appends spread over")
	flag.IntVar(&c.textBytes, "text", 100, "bytes of text per message")
	flag.IntVar(&c.histories, "histories", 4000, "history calls to time")
	flag.IntVar(&c.histLimit, "history-limit", 50, "messages per history page")
	flag.IntVar(&c.maxBatch, "commit-max-batch", 1000, "the group commit's -commit-max-batch")
	flag.StringVar(&c.cpuProfile, "cpuprofile", "", "write the server's CPU profile during each group-commit run to `prefix`.<mode>.prof")
	flag.Parse()
	if c.bin == "" || c.dataDir == "" {
		fmt.Fprintln(os.Stderr, "chatlogbench: -bin and -data are required")
		os.Exit(2)
	}
	if err := bench(c); err != nil {
		fmt.Fprintln(os.Stderr, "chatlogbench:", err)
		os.Exit(1)
	}
}

// bench runs every mode and prints the comparison.
func bench(c config) error {
	fmt.Printf("%d clients, %d conversations, %d-byte texts, data on %s\n\n", c.clients, c.convs, c.textBytes, c.dataDir)
	group, err := runMode(c, "group commit", c.duration, c.maxBatch, false, true)
	if err != nil {
		return err
	}
	coalesced, err := runMode(c, "group commit, chatlogclient", c.duration, c.maxBatch, true, false)
	if err != nil {
		return err
	}
	peer, err := runMode(c, "one fsync per append", c.peerTime, 1, false, false)
	if err != nil {
		return err
	}
	floor, err := runNoop(c, c.peerTime)
	if err != nil {
		return err
	}
	fmt.Println()
	for _, r := range []struct {
		name string
		r    result
	}{{"group commit, one call per append", group}, {"group commit through chatlogclient", coalesced}} {
		fmt.Printf("%s: %.0f durable appends/s, p99 %s: %.1fx the appends/s of one fsync per append (%.0f/s, p99 %s)\n",
			r.name, r.r.rate, ms(r.r.p99), r.r.rate/peer.rate, peer.rate, ms(peer.p99))
	}
	fmt.Printf("one call per append reaches %.0f%% of the no-store Thrift ceiling (%.0f calls/s) on this machine\n",
		100*group.rate/floor.rate, floor.rate)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

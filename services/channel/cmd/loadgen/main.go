// Command loadgen measures a long-poll server for scripts/bench-channel.sh:
//
//	loadgen run -target channel|nchan -pid PID -http ADDR ... -out FILE
//	loadgen compare OURS.json NCHAN.json
//
// run parks -users polls, delivers -messages at -rate, and writes the result
// as JSON; compare prints two results side by side with ratios and exits 2
// if a target of the channel issue was missed.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/thriftchat/thriftchat/services/channel/internal/loadgen"
	"github.com/thriftchat/thriftchat/services/internal/runtime"
	"github.com/thriftchat/thriftchat/services/internal/token"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadgen run|compare ...")
		os.Exit(1)
	}
	var code int
	var err error
	switch os.Args[1] {
	case "run":
		err = run(os.Args[2:])
	case "compare":
		code, err = compare(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	target := fs.String("target", "channel", "channel or nchan")
	httpAddr := fs.String("http", "", "long-poll (channel) or nginx (nchan) address")
	thriftAddr := fs.String("thrift", "", "channel: Thrift address")
	adminAddr := fs.String("admin", "", "channel: admin address (metrics)")
	secret := fs.String("token-secret", "", "channel: token secret")
	out := fs.String("out", "", "write the result here (JSON)")
	var c loadgen.Config
	fs.IntVar(&c.PID, "pid", 0, "server process to measure")
	fs.IntVar(&c.Users, "users", 10_000, "polls to park, one user each")
	fs.IntVar(&c.Messages, "messages", 100_000, "messages to deliver")
	fs.IntVar(&c.Rate, "rate", 10_000, "messages per second")
	fs.IntVar(&c.Sources, "sources", 4, "127.0.0.x source addresses")
	fs.DurationVar(&c.BatchEvery, "batch-every", time.Millisecond, "pacing tick")
	fs.IntVar(&c.MaxBatch, "max-batch", 1000, "most messages per publish call")
	fs.IntVar(&c.Publishers, "publishers", 4, "publishing connections")
	fs.IntVar(&c.Ramp, "ramp", 64, "polls connecting at once")
	fs.DurationVar(&c.Settle, "settle", 5*time.Second, "wait after parking before reading memory")
	fs.DurationVar(&c.Linger, "linger", 15*time.Second, "wait for stragglers after the last message")
	if err := runtime.Parse(fs, args); err != nil {
		return err
	}
	switch *target {
	case "channel":
		signer, err := token.NewSigner([]byte(*secret))
		if err != nil {
			return err
		}
		c.Target = &loadgen.Channel{HTTP: *httpAddr, Thrift: *thriftAddr, Admin: *adminAddr, Signer: signer}
	case "nchan":
		c.Target = &loadgen.Nchan{HTTP: *httpAddr}
	default:
		return fmt.Errorf("unknown target %q", *target)
	}
	limit, err := loadgen.RaiseFileLimit()
	if err != nil {
		return fmt.Errorf("raise open files limit: %w", err)
	}
	if need := uint64(c.Users + c.Publishers + 64); limit < need {
		return fmt.Errorf("open files limit %d is below the %d this run needs", limit, need)
	}
	c.Log = os.Stderr
	res, err := loadgen.Run(context.Background(), c)
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(res, "", "  ")
	if *out == "" {
		fmt.Println(string(b))
		return nil
	}
	return os.WriteFile(*out, b, 0o644)
}

func compare(args []string) (int, error) {
	if len(args) != 2 {
		return 1, fmt.Errorf("usage: loadgen compare OURS.json THEIRS.json")
	}
	var rs [2]loadgen.Result
	for i, path := range args {
		b, err := os.ReadFile(path)
		if err != nil {
			return 1, err
		}
		if err := json.Unmarshal(b, &rs[i]); err != nil {
			return 1, fmt.Errorf("%s: %w", path, err)
		}
	}
	if !loadgen.Compare(os.Stdout, rs[0], rs[1]) {
		return 2, nil
	}
	return 0, nil
}

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
)

// result is one mode's figures.
type result struct {
	rate          float64 // acknowledged appends per second
	p50, p99, max time.Duration
}

// appendFunc sends one append on behalf of worker w.
type appendFunc func(w int, sender, recipient int64, text, cmid string) error

// independent gives every worker a connection of its own and one call per
// append: many separate clients.
func independent(pools []*rpc.Pool[*chatlogt.ChatlogServiceClient]) appendFunc {
	return func(w int, sender, recipient int64, text, cmid string) error {
		req := &chatlogt.AppendRequest{Sender: commont.UserId(sender), Recipient: commont.UserId(recipient), Text: text, ClientMsgId: cmid}
		return pools[w].Call(context.Background(), func(ctx context.Context, c *chatlogt.ChatlogServiceClient) error {
			_, err := c.Append(ctx, req)
			return err
		})
	}
}

// shared sends every worker's appends through one chatlogclient, as the
// goroutines of one web process do; it coalesces concurrent appends.
func shared(cl *chatlogclient.Client) appendFunc {
	return func(_ int, sender, recipient int64, text, cmid string) error {
		_, err := cl.Append(context.Background(), sender, recipient, text, cmid)
		return err
	}
}

// runMode starts a server with -commit-max-batch maxBatch and appends for d
// from clients workers, through one chatlogclient if viaClient, else each
// on its own connection; with history it then times history calls.
func runMode(c config, name string, clients int, d time.Duration, maxBatch int, viaClient, history bool) (result, error) {
	s, err := startServer(c.bin, c.dataDir, slug(name), "-commit-max-batch", fmt.Sprint(maxBatch))
	if err != nil {
		return result{}, err
	}
	defer s.stop()
	pools := make([]*rpc.Pool[*chatlogt.ChatlogServiceClient], clients)
	for i := range pools {
		pools[i] = rpc.NewPool(s.thrift, chatlogt.NewChatlogServiceClient)
		defer pools[i].Close()
	}
	send := independent(pools)
	if viaClient {
		cl := chatlogclient.New(discovery.NewStatic(discovery.Instance{ID: s.thrift, Addr: s.thrift}))
		defer cl.Close()
		send = shared(cl)
	}
	text := strings.Repeat("x", c.textBytes)
	appendLoad(clients, send, c.convs, text, 500*time.Millisecond) // warm up connections and the store
	profiled := make(chan error, 1)
	if c.cpuProfile != "" && maxBatch > 1 {
		file := fmt.Sprintf("%s.%s.%d.prof", c.cpuProfile, slug(name), clients)
		go func() { profiled <- s.profile(file, d) }()
	} else {
		profiled <- nil
	}
	cpu0, self0 := s.cpu(), selfCPU()
	lat, elapsed, err := appendLoad(clients, send, c.convs, text, d)
	cpu, self := s.cpu()-cpu0, selfCPU()-self0
	if perr := <-profiled; perr != nil {
		fmt.Println("cpu profile:", perr)
	}
	if err != nil {
		return result{}, err
	}
	r := summarize(lat, elapsed)
	items, _ := s.metric("chatlog_commit_batch_items_sum")
	commits, _ := s.metric("chatlog_commit_batch_items_count")
	commitTime, _ := s.metric("chatlog_commit_seconds_sum")
	fmt.Printf("%-38s %8.0f appends/s  p50 %s  p99 %s  max %s\n", fmt.Sprintf("%s, %d callers:", name, clients), r.rate, ms(r.p50), ms(r.p99), ms(r.max))
	n := float64(max(len(lat), 1))
	fmt.Printf("%-38s %d appends, %.1f per batch, %s from apply to fsync done; CPU per append: server %.0fµs, client %.0fµs\n", "",
		len(lat), items/max(commits, 1), ms(time.Duration(commitTime/max(commits, 1)*float64(time.Second))),
		float64(cpu.Microseconds())/n, float64(self.Microseconds())/n)
	if history {
		h, err := historyLoad(pools[:min(8, len(pools))], c.convs, c.histories, c.histLimit)
		if err != nil {
			return result{}, err
		}
		hr := summarize(h, 0)
		fmt.Printf("%-38s %d calls, %d messages each, 8 clients: p50 %s  p99 %s  max %s\n",
			"history:", len(h), c.histLimit, ms(hr.p50), ms(hr.p99), ms(hr.max))
	}
	return r, nil
}

// slug makes a mode's name fit for a file name.
func slug(name string) string { return strings.NewReplacer(" ", "-", ",", "").Replace(name) }

// appendLoad has workers append in a loop for d, each message to a random
// conversation, and returns every append's latency.
func appendLoad(workers int, send appendFunc, convs int, text string, d time.Duration) ([]time.Duration, time.Duration, error) {
	lats := make([][]time.Duration, workers)
	errs := make([]error, workers)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() { // one per worker, joined below
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				a := rand.Int64N(int64(convs)) + 1
				t0 := time.Now()
				if err := send(w, a, a+1_000_000, text, fmt.Sprintf("%d-%d-%d", start.UnixNano(), w, i)); err != nil {
					errs[w] = err
					return
				}
				lats[w] = append(lats[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return nil, 0, fmt.Errorf("append: %w", err)
		}
	}
	return slices.Concat(lats...), elapsed, nil
}

// historyLoad reads the newest page of random conversations, n calls over
// the pools.
func historyLoad(pools []*rpc.Pool[*chatlogt.ChatlogServiceClient], convs, n, limit int) ([]time.Duration, error) {
	lats := make([][]time.Duration, len(pools))
	errs := make([]error, len(pools))
	var wg sync.WaitGroup
	for w, p := range pools {
		wg.Add(1)
		go func() { // one per client, joined below
			defer wg.Done()
			for range n / len(pools) {
				a := rand.Int64N(int64(convs)) + 1
				conv := commont.ConversationId(fmt.Sprintf("d:%d:%d", a, a+1_000_000))
				t0 := time.Now()
				err := p.Call(context.Background(), func(ctx context.Context, c *chatlogt.ChatlogServiceClient) error {
					_, err := c.History(ctx, conv, 0, -1, int32(limit))
					return err
				})
				if err != nil {
					errs[w] = err
					return
				}
				lats[w] = append(lats[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
	}
	return slices.Concat(lats...), nil
}

// summarize sorts lat and reads its percentiles; the rate needs elapsed.
func summarize(lat []time.Duration, elapsed time.Duration) result {
	if len(lat) == 0 {
		return result{}
	}
	slices.Sort(lat)
	at := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	r := result{p50: at(0.50), p99: at(0.99), max: lat[len(lat)-1]}
	if elapsed > 0 {
		r.rate = float64(len(lat)) / elapsed.Seconds()
	}
	return r
}

package chatlogclient

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// echo answers appends with the request's own fields; text "bad" is invalid.
func echo(gate chan struct{}) func(*fake) {
	return func(f *fake) {
		f.gate = gate
		f.onAppend = func(r *chatlogt.AppendRequest) (*commont.Message, error) {
			if r.Text == "bad" {
				return nil, &commont.InvalidInput{Message: "bad text", Field: "text"}
			}
			return &commont.Message{Sender: r.Sender, Recipient: r.Recipient, Text: r.Text, ClientMsgId: r.ClientMsgId}, nil
		}
	}
}

// queued is how many appends wait in the sender for addr.
func (c *Client) queued(addr string) int {
	c.mu.Lock()
	s := c.senders[addr]
	c.mu.Unlock()
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// waitFor polls cond until it holds or 10s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not synchronization
	}
}

type outcome struct {
	m   Message
	err error
}

// appendAll starts one Append per text, after a first one that the gate
// holds inside the server, and waits until the rest are queued behind it.
func appendAll(t *testing.T, c *Client, f *fake, texts []string) ([]outcome, func()) {
	t.Helper()
	out := make([]outcome, len(texts)+1)
	var wg sync.WaitGroup
	start := func(i int, text string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := c.Append(context.Background(), 1, 2, text, fmt.Sprint("c", i))
			out[i] = outcome{m, err}
		}()
	}
	start(0, "first")
	waitFor(t, "the first append to reach the server", func() bool { return f.count("append") == 1 })
	for i, text := range texts {
		start(i+1, text)
	}
	waitFor(t, "the rest to queue", func() bool { return c.queued(f.addr) == len(texts) })
	return out, wg.Wait
}

func TestConcurrentAppendsShareOneCall(t *testing.T) {
	gate := make(chan struct{})
	f := startFake(t, echo(gate))
	c := New(discovery.NewStatic(f.instance()), WithSenders(1))
	defer c.Close()
	texts := make([]string, 39)
	for i := range texts {
		texts[i] = fmt.Sprint("m", i+1)
	}
	out, wait := appendAll(t, c, f, texts)
	close(gate)
	wait()
	for i, o := range out {
		if o.err != nil || o.m.ClientMsgID != fmt.Sprint("c", i) {
			t.Fatalf("append %d = %+v, %v; want its own message back", i, o.m, o.err)
		}
	}
	if f.count("append") != 1 || !slices.Equal(f.batchSizes(), []int{39}) {
		t.Fatalf("calls: %d append, batches %v; want 1 and one batch of the 39 that queued", f.count("append"), f.batchSizes())
	}
}

func TestSpoiltBatchIsSentOneByOne(t *testing.T) {
	gate := make(chan struct{})
	f := startFake(t, echo(gate))
	c := New(discovery.NewStatic(f.instance()), WithSenders(1))
	defer c.Close()
	out, wait := appendAll(t, c, f, []string{"a", "bad", "c"})
	close(gate)
	wait()
	if out[1].err != nil || out[3].err != nil || out[1].m.Text != "a" || out[3].m.Text != "c" {
		t.Fatalf("the good appends of a spoilt batch: %+v, %+v; want stored", out[1], out[3])
	}
	if !errors.Is(out[2].err, ErrInvalid) {
		t.Fatalf("the bad append: %v; want ErrInvalid", out[2].err)
	}
	if f.count("appendBatch") != 1 || f.count("append") != 4 {
		t.Fatalf("calls: %d appendBatch, %d append; want 1 batch, then the first and 3 single retries", f.count("appendBatch"), f.count("append"))
	}
}

func TestCloseAnswersQueuedAppends(t *testing.T) {
	gate := make(chan struct{})
	f := startFake(t, echo(gate))
	defer close(gate)
	c := New(discovery.NewStatic(f.instance()), WithSenders(1), WithCallTimeout(300*time.Millisecond))
	out, wait := appendAll(t, c, f, []string{"a", "b"})
	c.Close() // the first call times out, the queued ones fail at once
	wait()
	for i, o := range out {
		if !errors.Is(o.err, ErrUnavailable) {
			t.Fatalf("append %d after Close: %v; want ErrUnavailable", i, o.err)
		}
	}
	if f.count("appendBatch") != 0 {
		t.Fatalf("a closed client sent %d batches", f.count("appendBatch"))
	}
}

func TestWithoutSendersEveryAppendCallsAlone(t *testing.T) {
	f := startFake(t, echo(nil))
	c := New(discovery.NewStatic(f.instance()), WithSenders(0))
	defer c.Close()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Append(context.Background(), 1, 2, "x", fmt.Sprint(i)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if f.count("append") != 20 || f.count("appendBatch") != 0 {
		t.Fatalf("calls: %d append, %d appendBatch; want 20 and 0", f.count("append"), f.count("appendBatch"))
	}
}

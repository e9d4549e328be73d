package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// proc is the real chatlog binary running as a child process.
type proc struct {
	cmd    *exec.Cmd
	thrift string
	exited chan struct{} // closed once the log pipe ends (the process is gone)
}

// buildBinary builds this package's binary once for the test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "chatlog")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	// As shipped (the Makefile builds static binaries); also links faster.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// launch starts the binary on dataDir and waits until it serves.
func launch(t *testing.T, bin, dataDir string) *proc {
	t.Helper()
	p := &proc{exited: make(chan struct{})}
	p.cmd = exec.Command(bin, "-thrift-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-data-dir", dataDir, "-log-format", "json")
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	serving := make(chan string, 1)
	go func() { // reads until the process is gone, so it never blocks on its log
		defer close(p.exited)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Message, Thrift string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Message == "serving" {
				serving <- line.Thrift
			}
		}
	}()
	t.Cleanup(func() { p.kill() })
	select {
	case p.thrift = <-serving:
	case <-p.exited:
		t.Fatal("chatlog exited before serving")
	case <-time.After(20 * time.Second):
		t.Fatal("chatlog did not serve within 20s")
	}
	return p
}

// kill sends SIGKILL and reaps the process; safe to call twice.
func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Kill()
		<-p.exited
		p.cmd.Wait()
	}
}

func (p *proc) client() *chatlogclient.Client {
	return chatlogclient.New(discovery.NewStatic(discovery.Instance{ID: p.thrift, Addr: p.thrift}),
		chatlogclient.WithCallTimeout(2*time.Second))
}

// TestCrashKeepsAcknowledged kills a real chatlog process with SIGKILL in
// the middle of concurrent appends, restarts it on the same data, and
// checks that every acknowledged message is there exactly once, with the
// seq and id it was acknowledged with, and that seqs have no gaps.
func TestCrashKeepsAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	bin, dir := buildBinary(t), filepath.Join(t.TempDir(), "data")
	p := launch(t, bin, dir)
	c := p.client()

	const workers, convs = 16, 8
	var acked atomic.Int64
	acks := make([][]chatlogclient.Message, workers) // per worker, in order
	inflight := make([]string, workers)              // the cmid a worker was sending when it failed
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Two workers per conversation, one on each side.
			from, to := int64(w%convs+1), int64(w%convs+101)
			if w >= convs {
				from, to = to, from
			}
			for i := 0; ; i++ {
				cmid := fmt.Sprintf("w%d-%d", w, i)
				m, err := c.Append(context.Background(), from, to, "message "+cmid, cmid)
				if err != nil {
					inflight[w] = cmid
					return // the process is gone
				}
				acks[w] = append(acks[w], m)
				acked.Add(1)
			}
		}()
	}
	loadStart := time.Now()
	waitFor(t, "appends under way", func() bool { return acked.Load() >= 1500 })
	t.Logf("1500 acks in %v", time.Since(loadStart))
	p.kill()
	wg.Wait()
	c.Close()
	t.Logf("killed with %d acknowledged appends", acked.Load())

	p = launch(t, bin, dir)
	c = p.client()
	defer c.Close()
	stored := readAll(t, c, convs)
	for w := range workers {
		for _, m := range acks[w] {
			got, ok := stored[m.ClientMsgID+fmt.Sprint("/", m.Sender)]
			if !ok {
				t.Fatalf("acknowledged %s (seq %d) is gone after the crash", m.ClientMsgID, m.Seq)
			}
			if got != m {
				t.Fatalf("acknowledged %+v; after the crash %+v", m, got)
			}
		}
	}
	// Whatever was in flight may or may not have landed; a retry settles it
	// without a copy.
	for w, cmid := range inflight {
		from, to := int64(w%convs+1), int64(w%convs+101)
		if w >= convs {
			from, to = to, from
		}
		if _, err := c.Append(context.Background(), from, to, "message "+cmid, cmid); err != nil {
			t.Fatalf("retry of in-flight %s: %v", cmid, err)
		}
	}
	if after := readAll(t, c, convs); len(after) > len(stored)+workers {
		t.Fatalf("retries added %d messages; at most %d were in flight", len(after)-len(stored), workers)
	}
}

// readAll pages through every conversation of the crash test, checks seqs
// run 1…n without gaps and no (sender, cmid) appears twice, and returns the
// messages by cmid/sender.
func readAll(t *testing.T, c *chatlogclient.Client, convs int) map[string]chatlogclient.Message {
	t.Helper()
	out := map[string]chatlogclient.Message{}
	for i := 1; i <= convs; i++ {
		conv := chatlogclient.ConversationID(int64(i), int64(i+100))
		next := int64(1)
		for after := int64(0); ; {
			p, err := c.History(context.Background(), conv, 0, after, 200)
			if err != nil {
				t.Fatalf("history of %s after %d: %v", conv, after, err)
			}
			for _, m := range p.Messages {
				if m.Seq != next {
					t.Fatalf("%s: seq %d where %d was due", conv, m.Seq, next)
				}
				key := m.ClientMsgID + fmt.Sprint("/", m.Sender)
				if _, dup := out[key]; dup {
					t.Fatalf("%s stored twice", key)
				}
				out[key] = m
				next++
			}
			if !p.MoreAfter {
				break
			}
			after = p.Messages[len(p.Messages)-1].Seq
		}
	}
	return out
}

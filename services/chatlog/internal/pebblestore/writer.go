package pebblestore

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

// op is one caller's write: an append of drafts, or a read mark.
type op struct {
	drafts []convlog.Draft
	mark   *mark
	// res has one slot, so the writer answers without ever waiting on a
	// caller that has gone away.
	res chan result
}

type mark struct {
	user int64
	conv convlog.Conv
	seq  int64
}

type result struct {
	msgs []convlog.Message
	err  error
}

// items is what op adds to a commit.
func (o *op) items() int { return max(1, len(o.drafts)) }

// maxHeads bounds the cache of conversation heads; past it the cache is
// dropped and refills from Pebble, one seek per conversation.
const maxHeads = 1 << 16

// writer is the single goroutine that writes. Being alone, it assigns seqs
// and checks idempotency without locks, and it turns whatever callers queued
// meanwhile into the next batch: group commit, one fsync for all. It does
// not wait for the fsync itself: it applies a batch (visible to reads, the
// WAL write queued) and hands it to the syncer goroutine, which waits for
// durability and answers the callers, while the writer already stages the
// next batch. Pebble syncs its log in order, so a batch is durable only
// after every batch before it.
type writer struct {
	db       *pebble.DB
	maxBatch int
	linger   time.Duration
	clock    func() time.Time
	m        *metrics

	// ops is unbuffered: callers blocked on sending are the queue, and the
	// writer drains them without waiting once it has the first.
	ops chan *op
	// flights carries applied batches to the syncer; unbuffered, so at most
	// one batch waits for the syncer while another is being synced. The
	// writer waiting there lets the next batch grow: applying eagerly instead
	// measured smaller batches, more CPU per append and no higher rate.
	flights chan *flight
	stop    chan struct{} // closed by close: finish the batch at hand, then exit
	done    chan struct{} // closed once the writer and the syncer have exited

	// failed is set when a batch could not be made durable: from then on
	// the cached heads may be ahead of the disk, so nothing more is written.
	failed atomic.Pointer[error]

	// Owned by the run goroutine.
	seen   *filter         // every applied dedupe key, and a few more
	heads  map[string]head // heads of recently used conversations, as applied
	lastAt int64           // newest server time handed out, in ms
}

// head is where a conversation stands: its newest seq, how many of those
// messages its lower member sent, and the newest message's time.
type head struct{ last, lowCum, at int64 }

func newWriter(db *pebble.DB, seen *filter, maxBatch int, linger time.Duration, clock func() time.Time, m *metrics) *writer {
	m.filterBytes.Set(float64(seen.size()))
	return &writer{
		db: db, seen: seen, maxBatch: maxBatch, linger: linger, clock: clock, m: m,
		ops: make(chan *op), flights: make(chan *flight), stop: make(chan struct{}), done: make(chan struct{}),
		heads: map[string]head{},
	}
}

// submit hands o to the writer and waits for its answer. If ctx ends after
// the hand-off the write may still complete: a retry with the same client
// message id finds it.
func (w *writer) submit(ctx context.Context, o *op) result {
	o.res = make(chan result, 1)
	select {
	case w.ops <- o:
	case <-w.done:
		return result{err: convlog.ErrClosed}
	case <-ctx.Done():
		return result{err: ctx.Err()}
	}
	select {
	case r := <-o.res:
		return r
	case <-ctx.Done():
		return result{err: fmt.Errorf("gave up waiting for the commit: %w", ctx.Err())}
	}
}

func (w *writer) close() {
	close(w.stop)
	<-w.done
}

// run is the writer goroutine; it starts the syncer and, on stop, waits
// for it to answer every batch handed over.
func (w *writer) run() {
	synced := make(chan struct{})
	go w.syncer(synced) // owned by run: it ends when flights is closed
	defer func() {
		close(w.flights)
		<-synced
		close(w.done)
	}()
	for {
		select {
		case <-w.stop:
			return
		case first := <-w.ops:
			w.flights <- w.apply(w.gather(first))
		}
	}
}

// gather collects the ops queued behind first, up to maxBatch items, waiting
// up to linger for more when there are none.
func (w *writer) gather(first *op) []*op {
	batch, n := []*op{first}, first.items()
	var linger <-chan time.Time
	if w.linger > 0 {
		t := time.NewTimer(w.linger)
		defer t.Stop()
		linger = t.C
	}
	for n < w.maxBatch {
		select {
		case o := <-w.ops:
			batch, n = append(batch, o), n+o.items()
			continue
		default:
		}
		if linger == nil {
			break
		}
		select {
		case o := <-w.ops:
			batch, n = append(batch, o), n+o.items()
		case <-linger:
			return batch
		}
	}
	return batch
}

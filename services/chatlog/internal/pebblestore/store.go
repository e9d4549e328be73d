// Package pebblestore is the chatlog's embedded default Store, on Pebble.
//
// Why Pebble: it builds static binaries for FROM-scratch images (with cgo,
// which keeps its memtables off the Go heap, or without), it is CockroachDB's engine and well kept, and it is a log-
// structured store: a commit appends one record to the write-ahead log and
// one fsync makes a whole batch durable, which is exactly the group commit a
// chat log wants. bbolt rewrites copy-on-write B-tree pages and syncs twice
// per transaction, so appends spread over many conversations cost many page
// writes each; SQLite through modernc is pure Go too but slower per row and
// needs its own B-tree page writes per commit. See ../../STORAGE.md.
//
// All writes go through one writer goroutine (writer.go), which assigns seqs,
// enforces idempotency and applies everything queued as one batch; a syncer
// goroutine waits for that batch's fsync and only then answers its callers.
// Reads go straight to Pebble. Like Pebble itself, they may see a batch a
// moment before its fsync completes; no caller is told it is stored before.
package pebblestore

import (
	"fmt"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

// Options configures a Store; the zero value of each field takes the default.
type Options struct {
	// Dir holds the database; it is created if missing.
	Dir string
	// InMemory keeps everything in memory and ignores Dir: for tests only.
	InMemory bool
	// MaxBatch caps the messages (and read marks) of one group commit
	// (default 1000). 1 gives one fsync per append.
	MaxBatch int
	// Linger is how long a commit waits for more work once it has some
	// (default 0: commit at once; work arriving meanwhile joins the next).
	Linger time.Duration
	// Clock gives server time (default time.Now).
	Clock func() time.Time
	// Metrics receives the store's metrics; nil leaves them unregistered.
	Metrics prometheus.Registerer
	// Log receives Pebble's own messages.
	Log zerolog.Logger
}

// DefaultMaxBatch is the default of Options.MaxBatch.
const DefaultMaxBatch = 1000

// Store is a convlog.Store on Pebble.
type Store struct {
	db *pebble.DB
	w  *writer

	// mu guards closed: reads hold it shared so Close waits for them, since
	// Pebble must not be used after its Close.
	mu     sync.RWMutex
	closed bool
}

var _ convlog.Store = (*Store)(nil)

// Open opens (or creates) the store and starts its writer.
func Open(o Options) (*Store, error) {
	if o.MaxBatch <= 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	po := &pebble.Options{
		Logger:             logger{o.Log},
		MemTableSize:       64 << 20, // larger memtables measured faster than 4 or 16 MiB
		FormatMajorVersion: pebble.FormatNewest,
	}
	// Every new message looks up its idempotency key, which is nearly always
	// absent: Bloom filters answer that without reading table blocks.
	po.Levels[0].FilterPolicy = bloom.FilterPolicy(10)
	if o.InMemory {
		po.FS = vfs.NewMem()
	}
	db, err := pebble.Open(o.Dir, po)
	if err != nil {
		return nil, fmt.Errorf("open chatlog store %s: %w", o.Dir, err)
	}
	if err := checkLayout(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open chatlog store %s: %w", o.Dir, err)
	}
	seen, err := loadFilter(db, o.Log)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open chatlog store %s: %w", o.Dir, err)
	}
	w := newWriter(db, seen, o.MaxBatch, o.Linger, o.Clock, newMetrics(o.Metrics))
	go w.run() // owned by the Store: Close stops it and waits
	return &Store{db: db, w: w}, nil
}

// Close stops the writer after its current commit, waits for reads in
// flight and closes Pebble. Later calls fail with convlog.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.w.close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close chatlog store: %w", err)
	}
	return nil
}

// read runs fn unless the store is closed, keeping Close out meanwhile.
func (s *Store) read(fn func() error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return convlog.ErrClosed
	}
	return fn()
}

// logger sends Pebble's messages to zerolog. Pebble calls Fatalf on
// unrecoverable corruption and expects it not to return: it panics, which
// ends the process as Pebble intends but runs deferred cleanups first.
type logger struct{ log zerolog.Logger }

func (l logger) Infof(format string, args ...any)  { l.log.Debug().Msgf(format, args...) }
func (l logger) Errorf(format string, args ...any) { l.log.Error().Msgf(format, args...) }
func (l logger) Fatalf(format string, args ...any) {
	l.log.Error().Msgf(format, args...)
	panic(fmt.Sprintf("pebble: "+format, args...))
}

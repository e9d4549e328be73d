package pebblestore

import (
	"fmt"
	"hash/maphash"
	"math/bits"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/rs/zerolog"
)

// filter is a Bloom filter over every dedupe key in the store, kept in
// memory so that a new message, whose key is nearly always absent, costs no
// Pebble lookup. Pebble searches its memtable skiplists before its tables'
// own Bloom filters, and for absent keys that search was a third of the
// server's CPU per append. Only keys the filter may hold are looked up:
// retries, and about 1% of new keys.
//
// It is blocked (a key's bits all lie in one 64-byte block: one cache miss
// per lookup), and it grows by adding a part twice the size of the last
// when that is full, so it needs no final size up front. Only the writer
// uses it (and Open, before the writer starts), so it has no locks.
type filter struct {
	seed  maphash.Seed
	parts []*filterPart // oldest first; a key may be in any
}

// 10 bits and 7 probes per key give about 1% false positives.
const (
	bitsPerKey        = 10
	probes            = 7
	minFilterCapacity = 1 << 20
)

type filterPart struct {
	blocks   [][8]uint64
	capacity int
	n        int
}

func newPart(capacity int) *filterPart {
	return &filterPart{blocks: make([][8]uint64, max(1, capacity*bitsPerKey/512)), capacity: capacity}
}

// newFilter returns an empty filter.
func newFilter() *filter {
	return &filter{seed: maphash.MakeSeed(), parts: []*filterPart{newPart(minFilterCapacity)}}
}

// loadFilter builds the filter from the dedupe keys in db: one pass over
// keys, logged: about 0.3 s per million stored messages (BenchmarkLoadFilter).
func loadFilter(db *pebble.DB, log zerolog.Logger) (*filter, error) {
	start, f := time.Now(), newFilter()
	prefix := []byte{tagDedupe}
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: upper(prefix)})
	if err != nil {
		return nil, err
	}
	for ok := it.First(); ok; ok = it.Next() {
		f.add(it.Key())
	}
	if err := closeIter(it); err != nil {
		return nil, fmt.Errorf("load the dedupe filter: %w", err)
	}
	log.Info().Int("keys", f.keys()).Int("bytes", f.size()).Dur("took", time.Since(start)).Msg("dedupe filter loaded")
	return f, nil
}

// add records key.
func (f *filter) add(key []byte) {
	last := f.parts[len(f.parts)-1]
	if last.n >= last.capacity {
		last = newPart(2 * last.capacity)
		f.parts = append(f.parts, last)
	}
	last.set(maphash.Bytes(f.seed, key))
	last.n++
}

// mayContain is false only if key was never added.
func (f *filter) mayContain(key []byte) bool {
	h := maphash.Bytes(f.seed, key)
	for _, b := range f.parts {
		if b.test(h) {
			return true
		}
	}
	return false
}

// keys is how many keys were added.
func (f *filter) keys() int {
	n := 0
	for _, b := range f.parts {
		n += b.n
	}
	return n
}

// size is the filter's memory in bytes.
func (f *filter) size() int {
	n := 0
	for _, b := range f.parts {
		n += len(b.blocks) * 64
	}
	return n
}

// probe picks h's block from its high bits and the first bit and the step
// between bits (odd, so the probes differ) from its low bits.
func (b *filterPart) probe(h uint64) (blk *[8]uint64, bit, step uint32) {
	i, _ := bits.Mul64(h, uint64(len(b.blocks)))
	lo := uint32(h)
	return &b.blocks[i], lo, (lo>>17 | lo<<15) | 1
}

func (b *filterPart) set(h uint64) {
	blk, p, step := b.probe(h)
	for range probes {
		blk[p/64%8] |= 1 << (p % 64)
		p += step
	}
}

func (b *filterPart) test(h uint64) bool {
	blk, p, step := b.probe(h)
	for range probes {
		if blk[p/64%8]&(1<<(p%64)) == 0 {
			return false
		}
		p += step
	}
	return true
}

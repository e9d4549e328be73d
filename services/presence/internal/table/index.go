package table

import "math/bits"

// index maps user ids to entries by open addressing: linear probing over an
// array of keys (eight to a cache line, so a probe run mostly stays in one),
// the entries in a parallel array, and backward-shift deletion, so there are
// no tombstones to clean. It grows by a quarter once four fifths full, so it
// runs 64–80% full; a Go map, which doubles, runs 44–88% full and costs up to
// 40% more at an unlucky size. With 16-byte entries a slot is 24 bytes, so a
// user costs 30–38 bytes.
//
// It is not safe for concurrent use: each stripe's mutex guards its index.
type index struct {
	keys []int64 // 0 marks an empty slot: user ids are positive
	vals []entry
	n    int
}

// hash mixes a user id (splitmix64's finalizer). Its top byte picks the
// stripe, the rest the slot, so the two choices are independent.
func hash(user int64) uint64 {
	x := uint64(user)
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// home is the first slot to probe for hash h: the low 56 bits scaled to the
// table's size, which need not be a power of two.
func (x *index) home(h uint64) int {
	hi, _ := bits.Mul64(h<<8, uint64(len(x.keys)))
	return int(hi)
}

func (x *index) next(i int) int {
	if i++; i == len(x.keys) {
		return 0
	}
	return i
}

// find returns user's slot, or -1.
func (x *index) find(user int64, h uint64) int {
	if x.n == 0 {
		return -1
	}
	for i := x.home(h); ; i = x.next(i) {
		switch x.keys[i] {
		case user:
			return i
		case 0:
			return -1
		}
	}
}

// claim returns user's slot, taking an empty one (found false, value zero)
// if user has none.
func (x *index) claim(user int64, h uint64) (slot int, found bool) {
	if (x.n+1)*5 > len(x.keys)*4 {
		x.grow()
	}
	for i := x.home(h); ; i = x.next(i) {
		switch x.keys[i] {
		case user:
			return i, true
		case 0:
			x.keys[i] = user
			x.n++
			return i, false
		}
	}
}

// grow rehashes into a table a quarter larger.
func (x *index) grow() {
	keys, vals := x.keys, x.vals
	size := max(16, len(keys)+len(keys)/4)
	x.keys, x.vals, x.n = make([]int64, size), make([]entry, size), 0
	for i, k := range keys {
		if k != 0 {
			j, _ := x.claim(k, hash(k))
			x.vals[j] = vals[i]
		}
	}
}

// remove empties slot i, then pulls later entries of its probe run back
// over the gap, so every entry stays reachable from its home.
func (x *index) remove(i int) {
	for j := x.next(i); x.keys[j] != 0; j = x.next(j) {
		h := x.home(hash(x.keys[j]))
		// The entry at j may fill the gap at i unless its home lies in the
		// cyclic interval (i, j]: then it would sit before its own home.
		if (i <= j && (h <= i || h > j)) || (i > j && h <= i && h > j) {
			x.keys[i], x.vals[i] = x.keys[j], x.vals[j]
			i = j
		}
	}
	x.keys[i], x.vals[i] = 0, entry{}
	x.n--
}

package table

import (
	"encoding/binary"
	"testing"
)

// FuzzIndex replays a byte string as inserts, removals and lookups of a few
// dozen keys against a Go map, so long probe runs, wrap-around and
// backward shifts all get exercised; after every step each key must be
// found exactly when the map holds it, with its value.
func FuzzIndex(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 0, 3, 1, 2, 2, 3})
	f.Add([]byte{0, 40, 0, 41, 0, 42, 0, 43, 1, 40, 1, 42, 0, 40})
	f.Add(make([]byte, 300))
	f.Fuzz(func(t *testing.T, ops []byte) {
		var x index
		model := map[int64]uint32{}
		for i := 0; i+1 < len(ops); i += 2 {
			key := int64(ops[i+1]%48) + 1
			switch ops[i] % 3 {
			case 0:
				j, found := x.claim(key, hash(key))
				if _, ok := model[key]; ok != found {
					t.Fatalf("op %d: claim(%d) found = %v; model holds it: %v", i, key, found, ok)
				}
				x.vals[j].active = uint32(i)
				model[key] = uint32(i)
			case 1:
				if j := x.find(key, hash(key)); j >= 0 {
					x.remove(j)
				}
				delete(model, key)
			}
			check(t, &x, model)
		}
	})
}

func check(t *testing.T, x *index, model map[int64]uint32) {
	t.Helper()
	if x.n != len(model) {
		t.Fatalf("index holds %d; model %d", x.n, len(model))
	}
	for key := int64(1); key <= 48; key++ {
		j := x.find(key, hash(key))
		want, ok := model[key]
		if (j >= 0) != ok || (ok && x.vals[j].active != want) {
			t.Fatalf("find(%d) = slot %d; model: %v, %v", key, j, want, ok)
		}
	}
}

func TestIndexManyKeys(t *testing.T) {
	var x index
	model := map[int64]uint32{}
	var buf [8]byte
	for i := range 20_000 {
		binary.LittleEndian.PutUint64(buf[:], uint64(i)*2654435761)
		key := int64(binary.LittleEndian.Uint64(buf[:])>>1) | 1
		j, _ := x.claim(key, hash(key))
		x.vals[j].active = uint32(i)
		model[key] = uint32(i)
		if i%3 == 0 { // remove an earlier one now and then
			old := int64((uint64(i/2)*2654435761)>>1) | 1
			if j := x.find(old, hash(old)); j >= 0 {
				x.remove(j)
				delete(model, old)
			}
		}
	}
	if x.n != len(model) {
		t.Fatalf("index holds %d; model %d", x.n, len(model))
	}
	for k, v := range model {
		if j := x.find(k, hash(k)); j < 0 || x.vals[j].active != v {
			t.Fatalf("key %d lost", k)
		}
	}
	if load := float64(x.n) / float64(len(x.keys)); load > 0.8 {
		t.Errorf("load %.2f; want at most 0.8", load)
	}
}

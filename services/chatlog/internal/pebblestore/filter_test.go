package pebblestore

import (
	"fmt"
	"testing"
)

// TestFilter: no key added is ever reported absent, across the growth
// into a second part, and absent keys are reported present rarely.
func TestFilter(t *testing.T) {
	f := newFilter()
	const n = minFilterCapacity + minFilterCapacity/2 // grows once
	for i := range n {
		f.add(fmt.Appendf(nil, "key %d", i))
	}
	if len(f.parts) != 2 || f.keys() != n {
		t.Fatalf("after %d adds: %d parts, %d keys; want 2 parts", n, len(f.parts), f.keys())
	}
	for i := range n {
		if k := fmt.Appendf(nil, "key %d", i); !f.mayContain(k) {
			t.Fatalf("%s was added but is reported absent", k)
		}
	}
	const absent = 200_000
	fp := 0
	for i := range absent {
		if f.mayContain(fmt.Appendf(nil, "other %d", i)) {
			fp++
		}
	}
	// Each part answers about 1% falsely; two parts, about 2%.
	if rate := float64(fp) / absent; rate > 0.03 {
		t.Fatalf("false positive rate %.3f; want about 0.02", rate)
	}
	t.Logf("%d keys in %d KiB; false positives %.2f%%", f.keys(), f.size()>>10, 100*float64(fp)/absent)
}

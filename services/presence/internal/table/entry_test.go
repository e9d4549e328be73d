package table

import (
	"testing"
	"unsafe"
)

func TestEntryPacking(t *testing.T) {
	if size := unsafe.Sizeof(entry{}); size != 16 {
		t.Fatalf("entry is %d bytes; the memory budget assumes 16", size)
	}
	epoch := us(t0)
	for _, f := range []fields{
		{version: epoch, state: Offline},
		{version: epoch + 1, expires: 1, active: 2, state: Active, reporter: 1},
		{version: epoch + 1<<32 + 7, expires: 1<<32 - 1, active: 1<<32 - 1, state: Idle, reporter: reporterMask},
		{version: epoch + 1<<48 - 1, state: Active, reporter: 12345}, // 8.9 years of uptime
	} {
		if got := pack(f, epoch).unpack(epoch); got != f {
			t.Errorf("pack then unpack %+v = %+v", f, got)
		}
	}
}

func TestReportersPastTheLimit(t *testing.T) {
	var r reporters
	r.init(nil)
	for i := range maxReporters {
		if id, err := r.intern(string(rune('a'+i%26)) + string(rune(0x100+i))); err != nil || int(id) != i {
			t.Fatalf("reporter %d: id %d, %v", i, id, err)
		}
	}
	id, err := r.intern("one-too-many")
	if err != nil || id != otherReporter || r.name(id) != "(other)" {
		t.Fatalf("past the limit: id %d (%q), %v; want the shared (other)", id, r.name(id), err)
	}
	if id, _ := r.intern(string(rune('a')) + string(rune(0x100))); id != 0 {
		t.Fatalf("a known reporter past the limit got id %d; want its own 0", id)
	}
}

package convlog

import (
	"errors"
	"strconv"
	"testing"
)

func TestParseConv(t *testing.T) {
	tests := []struct {
		id        string
		low, high int64
		ok        bool
	}{
		{"d:1:2", 1, 2, true},
		{"d:42:9223372036854775807", 42, 9223372036854775807, true},
		{"d:2:1", 0, 0, false},  // not ascending
		{"d:1:1", 0, 0, false},  // a conversation with oneself
		{"d:0:1", 0, 0, false},  // ids are positive
		{"d:-1:2", 0, 0, false}, // no signs
		{"d:+1:2", 0, 0, false},
		{"d:01:2", 0, 0, false}, // one spelling only
		{"d:1:2:3", 0, 0, false},
		{"d:1:", 0, 0, false},
		{"d:1:9223372036854775808", 0, 0, false}, // overflows int64
		{"r:room", 0, 0, false},                  // reserved for rooms
		{"", 0, 0, false},
		{"d:1 :2", 0, 0, false},
	}
	for _, tt := range tests {
		c, err := ParseConv(tt.id)
		if tt.ok != (err == nil) || c.Low != tt.low || c.High != tt.high {
			t.Errorf("ParseConv(%q) = %+v, %v; want low %d high %d ok %v", tt.id, c, err, tt.low, tt.high, tt.ok)
		}
		var ie *InvalidError
		if err != nil && (!errors.As(err, &ie) || ie.Field != "conversation" || !errors.Is(err, ErrInvalid)) {
			t.Errorf("ParseConv(%q) error %v is not an InvalidError on conversation", tt.id, err)
		}
	}
}

func TestDirect(t *testing.T) {
	c := Direct(9, 4)
	if c != (Conv{ID: "d:4:9", Low: 4, High: 9}) || Direct(4, 9) != c {
		t.Fatalf("Direct(9, 4) = %+v; want d:4:9 either way round", c)
	}
	if !c.Has(4) || !c.Has(9) || c.Has(5) || c.Peer(4) != 9 || c.Peer(9) != 4 {
		t.Fatalf("Has/Peer wrong for %+v", c)
	}
}

// FuzzParseConv: whatever ParseConv accepts is exactly Direct's spelling
// of its members, so a conversation never has two ids.
func FuzzParseConv(f *testing.F) {
	for _, s := range []string{"d:1:2", "d:01:2", "d:2:1", "d:-1:2", "r:x", "d:1:2:3", "d::", "d:9223372036854775807:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		c, err := ParseConv(id)
		if err != nil {
			return
		}
		if c.Low <= 0 || c.Low >= c.High || Direct(c.High, c.Low) != c || c.ID != id {
			t.Fatalf("ParseConv(%q) = %+v; Direct gives %+v", id, c, Direct(c.High, c.Low))
		}
		if _, err := strconv.ParseInt(id[2:], 10, 64); err == nil {
			t.Fatalf("ParseConv(%q) accepted a single number", id)
		}
	})
}

package thriftapi

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/presence/internal/table"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestToWireGolden pins the wire form of every state, of a never-seen user
// and of a last-seen time, against testdata/to_wire.golden.
func TestToWireGolden(t *testing.T) {
	seen := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	in := []table.Presence{
		{User: 1, State: table.Active, LastActive: seen, Version: 1},
		{User: 2, State: table.Idle, LastActive: seen.Add(-10 * time.Minute), Version: 2},
		{User: 3, State: table.Offline, LastActive: seen.Add(-48 * time.Hour), Version: 3},
		{User: 4, State: table.Offline},
		{User: 9_007_199_254_740_993, State: table.Active, LastActive: time.Unix(1, 0)},
	}
	got, err := json.MarshalIndent(toWire(in), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "to_wire.golden")
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != string(got)+"\n" {
		t.Errorf("toWire differs from %s:\n got: %s\nwant: %s", path, got, want)
	}
}

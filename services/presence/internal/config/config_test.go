package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseDefaultsAndOverrides(t *testing.T) {
	c, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ThriftAddr != ":9102" || c.ExpireAfter != 3 || c.IdleAfter != 2*time.Minute ||
		c.MaxOffline != 1_000_000 || c.Reporters != nil || c.Common.AdminAddr != ":9202" {
		t.Fatalf("defaults: %+v", c)
	}
	t.Setenv("THRIFTCHAT_IDLE_AFTER", "30s")
	t.Setenv("THRIFTCHAT_EXPIRE_AFTER", "7")
	t.Setenv("THRIFTCHAT_REPORTERS", "chan-1, chan-2")
	c, err = Parse([]string{"-expire-after", "5", "-max-offline", "10"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ExpireAfter != 5 || c.IdleAfter != 30*time.Second || c.MaxOffline != 10 ||
		!slices.Equal(c.Reporters, []string{"chan-1", "chan-2"}) {
		t.Fatalf("flag beats env beats default: got %+v", c)
	}
}

func TestParseRejects(t *testing.T) {
	for _, args := range [][]string{
		{"-expire-after", "0"},
		{"-idle-after", "10ms"},
		{"-max-offline", "-1"},
		{"-sweep-every", "0s"},
		{"-reporters", "a,a"},
		{"-reporters", strings.Repeat("x", 129)},
		{"stray"},
	} {
		if _, err := Parse(args); err == nil {
			t.Errorf("Parse(%q) accepted it", args)
		}
	}
}

// FuzzParseReporters: whatever the list, the ids it returns are non-empty,
// trimmed, within the contract's length, unique, and in the order given.
func FuzzParseReporters(f *testing.F) {
	for _, s := range []string{"", "a", "a,b", " a , b ,", ",,", "a,a", "chan-1,chan-2,chan-3", strings.Repeat("y", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseReporters(s)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		rest := s
		for _, r := range got {
			if r == "" || r != strings.TrimSpace(r) || len(r) > 128 || seen[r] || strings.Contains(r, ",") {
				t.Fatalf("ParseReporters(%q) returned %q", s, r)
			}
			seen[r] = true
			i := strings.Index(rest, r)
			if i < 0 {
				t.Fatalf("ParseReporters(%q) returned %q out of order", s, r)
			}
			rest = rest[i+len(r):]
		}
	})
}

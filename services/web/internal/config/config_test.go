package config

import (
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c, err := Parse([]string{"-dev"})
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.ThriftAddr != ":9104" || c.PublicURL != "http://localhost:8080" ||
		c.PollMode != PollProxy || c.TokenSecret != DevSecret || c.DataDir != "./data/web" ||
		c.SendRate != 5 || c.SendBurst != 20 || c.PollTimeout != 90*time.Second || c.AdminAddr != ":9204" {
		t.Fatalf("defaults %+v", c)
	}
}

func TestEnvOverrides(t *testing.T) {
	t.Setenv("THRIFTCHAT_TOKEN_SECRET", strings.Repeat("s", 32))
	t.Setenv("THRIFTCHAT_POLL_MODE", "direct")
	t.Setenv("THRIFTCHAT_FRAME_ANCESTORS", "https://host.example, https://*.corp.example")
	c, err := Parse([]string{"-poll-mode", "proxy"})
	if err != nil {
		t.Fatal(err)
	}
	if c.TokenSecret != strings.Repeat("s", 32) || c.PollMode != PollProxy {
		t.Fatalf("flag must beat env, env beat default: %+v", c)
	}
	if a := c.Ancestors(); len(a) != 2 || a[1] != "https://*.corp.example" {
		t.Fatalf("ancestors %v", a)
	}
}

func TestInvalid(t *testing.T) {
	secret := "-token-secret=" + strings.Repeat("s", 32)
	for name, args := range map[string][]string{
		"no secret outside dev": {},
		"short secret":          {"-dev", "-token-secret", "short"},
		"relative public url":   {secret, "-public-url", "/chat"},
		"ftp public url":        {secret, "-public-url", "ftp://x"},
		"poll mode":             {secret, "-poll-mode", "carrier-pigeon"},
		"csp injection":         {secret, "-frame-ancestors", "https://a.example; script-src *"},
		"ancestor with path":    {secret, "-frame-ancestors", "https://a.example/x"},
		"ancestor keyword":      {secret, "-frame-ancestors", "'unsafe-inline'"},
		"zero burst":            {secret, "-send-burst", "0"},
		"negative rate":         {secret, "-signal-rate", "-1"},
		"poll timeout":          {secret, "-poll-timeout", "10ms"},
	} {
		if _, err := Parse(args); err == nil {
			t.Errorf("%s: %v accepted", name, args)
		}
	}
}

// FuzzValidSource: whatever validSource accepts cannot break out of its
// CSP directive.
func FuzzValidSource(f *testing.F) {
	for _, s := range []string{"https://a.example", "https://*.a.example:8443", "https://a; script-src *", "'self'", "data:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !validSource(s) {
			return
		}
		if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
			t.Fatalf("accepted %q: not an http(s) origin", s)
		}
		for _, c := range []byte(s) {
			if c <= ' ' || c >= 0x7f || strings.IndexByte(";,'\"", c) >= 0 {
				t.Fatalf("accepted %q with byte %q, which could end the directive", s, c)
			}
		}
	})
}

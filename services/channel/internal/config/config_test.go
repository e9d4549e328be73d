package config

import (
	"strings"
	"testing"
	"time"
)

const secret = "0123456789abcdef0123456789abcdef"

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		err   string // substring; "" for success
		check func(t *testing.T, c Config)
	}{
		{name: "defaults", args: []string{"-token-secret", secret}, check: func(t *testing.T, c Config) {
			if c.ThriftAddr != ":9101" || c.HTTPAddr != ":8101" || c.Hold != 50*time.Second || c.Queue.MaxPollers != 8 ||
				c.ReportInterval != 5*time.Second || c.Queue.MaxPayload != 16<<10 {
				t.Fatalf("defaults: %+v", c)
			}
		}},
		{name: "env overrides", env: map[string]string{"THRIFTCHAT_TOKEN_SECRET": secret, "THRIFTCHAT_HOLD": "20s", "THRIFTCHAT_WEB_ORIGIN": "http://a.example, https://b.example"},
			check: func(t *testing.T, c Config) {
				if c.Hold != 20*time.Second || strings.Join(c.Origins(), " ") != "http://a.example https://b.example" {
					t.Fatalf("env: hold %v origins %v", c.Hold, c.Origins())
				}
			}},
		{name: "flag beats env", args: []string{"-hold", "30s"}, env: map[string]string{"THRIFTCHAT_TOKEN_SECRET": secret, "THRIFTCHAT_HOLD": "20s"},
			check: func(t *testing.T, c Config) {
				if c.Hold != 30*time.Second {
					t.Fatalf("hold %v", c.Hold)
				}
			}},
		{name: "no secret", err: "token-secret"},
		{name: "short secret", args: []string{"-token-secret", "short"}, err: "at least 32 bytes"},
		{name: "jitter too big", args: []string{"-token-secret", secret, "-hold", "1s", "-hold-jitter", "1s"}, err: "jitter"},
		{name: "bad origin", args: []string{"-token-secret", secret, "-web-origin", "http://a.example/path"}, err: "web-origin"},
		{name: "bad public url", args: []string{"-token-secret", secret, "-public-url", "chat.example.com"}, err: "public-url"},
		{name: "bad queue", args: []string{"-token-secret", secret, "-queue-max-bytes", "100"}, err: "max bytes"},
		{name: "zero pollers", args: []string{"-token-secret", secret, "-max-pollers", "0"}, err: "max pollers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := Parse(tc.args)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

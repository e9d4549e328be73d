package config

import (
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ThriftAddr != ":9103" || c.DataDir != "./data/chatlog" || c.CommitMaxBatch != 1000 || c.CommitLinger != 0 ||
		c.Peers != "" || c.Common.AdminAddr != ":9203" {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestFlagsBeatEnvironment(t *testing.T) {
	t.Setenv("THRIFTCHAT_DATA_DIR", "/var/lib/chatlog")
	t.Setenv("THRIFTCHAT_COMMIT_MAX_BATCH", "64")
	t.Setenv("THRIFTCHAT_CHATLOG_ADDRS", "10.0.0.1:9103,10.0.0.2:9103")
	c, err := Parse([]string{"-commit-max-batch", "1", "-commit-linger", "2ms"})
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/var/lib/chatlog" || c.CommitMaxBatch != 1 || c.CommitLinger != 2*time.Millisecond ||
		c.Peers != "10.0.0.1:9103,10.0.0.2:9103" {
		t.Fatalf("parsed = %+v; want the environment's data dir and peers, the flags' batch and linger", c)
	}
}

func TestRejects(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-commit-max-batch", "0"}, "commit-max-batch"},
		{[]string{"-commit-linger", "5s"}, "commit-linger"},
		{[]string{"-data-dir", ""}, "data-dir"},
		{[]string{"-chatlog-addrs", "nonsense"}, "nonsense"},
		{[]string{"extra"}, "unexpected"},
		{[]string{"-no-such-flag"}, "no-such-flag"},
	} {
		if _, err := Parse(tc.args); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v; want an error about %s", tc.args, err, tc.want)
		}
	}
}

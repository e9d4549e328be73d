package stacktest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Secret is the token secret every process of a test stack shares.
const Secret = "stacktest-secret-0123456789abcdef0123456789"

// Options shapes a stack; zero values mean one instance of each, dev mode off.
type Options struct {
	// Dev seeds demo users and enables demo sign-in on the web tier.
	Dev bool
	// Channels, Presences and Chatlogs are instance counts (default 1).
	Channels, Presences, Chatlogs int
	// Consul is a Consul agent's HTTP address; when set, services register
	// there and find each other through it instead of static lists.
	Consul string
}

// Stack is a running system.
type Stack struct {
	// WebURL is the web tier's base URL, e.g. http://127.0.0.1:41234.
	WebURL string
	// WebThrift is the address host applications call.
	WebThrift string

	Web       *Proc
	Channels  []*Proc
	Presences []*Proc
	Chatlogs  []*Proc
}

// Start builds the binaries (once per process) and starts a stack, stopped
// when the test ends.
func Start(t testing.TB, o Options) *Stack {
	t.Helper()
	bin := Binaries(t)
	dir := t.TempDir()
	s := &Stack{}
	mk := func(svc string, n int) []*Proc {
		n = max(n, 1)
		out := make([]*Proc, n)
		for i := range out {
			out[i] = newProc(t, dir, bin, fmt.Sprintf("%s%d", svc, i+1))
		}
		return out
	}
	s.Chatlogs, s.Presences, s.Channels = mk("chatlog", o.Chatlogs), mk("presence", o.Presences), mk("channel", o.Channels)
	s.Web = newProc(t, dir, bin, "web")
	for _, c := range s.Channels {
		c.HTTPAddr = freeAddr(t)
	}
	s.Web.HTTPAddr = freeAddr(t)
	s.WebURL, s.WebThrift = "http://"+s.Web.HTTPAddr, s.Web.ThriftAddr

	presence, chatlog := spec(s.Presences, ""), spec(s.Chatlogs, "")
	channel := spec(s.Channels, "http_addr")
	if o.Consul != "" {
		presence, chatlog, channel = "", "", ""
	}
	common := func(p *Proc) []string {
		args := []string{"-instance", p.Name, "-admin-addr", p.AdminAddr, "-thrift-addr", p.ThriftAddr,
			"-log-format", "json", "-log-level", "debug", "-shutdown-timeout", "15s", "-drain-window", "500ms"}
		if o.Consul != "" {
			args = append(args, "-consul", o.Consul)
		}
		return args
	}
	for _, p := range s.Chatlogs {
		p.args = append(common(p), "-data-dir", filepath.Join(dir, p.Name), "-chatlog-addrs", chatlog)
	}
	for _, p := range s.Presences {
		p.args = append(common(p), "-presence-addrs", presence)
	}
	for _, p := range s.Channels {
		p.args = append(common(p), "-http-addr", p.HTTPAddr, "-token-secret", Secret,
			"-web-origin", s.WebURL, "-channel-addrs", channel, "-presence-addrs", presence,
			"-report-interval", "1s")
	}
	s.Web.args = append(common(s.Web), "-http-addr", s.Web.HTTPAddr, "-public-url", s.WebURL,
		"-token-secret", Secret, "-data-dir", filepath.Join(dir, "web"),
		"-channel-addrs", channel, "-presence-addrs", presence, "-chatlog-addrs", chatlog)
	if o.Dev {
		s.Web.args = append(s.Web.args, "-dev")
	}
	all := s.All()
	for _, p := range all {
		p.start()
	}
	t.Cleanup(func() {
		for _, p := range all {
			p.Stop()
		}
		if t.Failed() {
			for _, p := range all {
				t.Logf("--- %s log ---\n%s", p.Name, p.Logs())
			}
		}
	})
	for _, p := range all {
		p.waitReady(30 * time.Second)
	}
	return s
}

// All lists every process, web last.
func (s *Stack) All() []*Proc {
	var all []*Proc
	all = append(all, s.Chatlogs...)
	all = append(all, s.Presences...)
	all = append(all, s.Channels...)
	return append(all, s.Web)
}

// spec is the static discovery list of procs, with each one's HTTP address
// under metaKey when it is set.
func spec(procs []*Proc, metaKey string) string {
	parts := make([]string, len(procs))
	for i, p := range procs {
		parts[i] = p.ThriftAddr
		if metaKey != "" {
			parts[i] += "|" + metaKey + "=" + p.HTTPAddr
		}
	}
	return strings.Join(parts, ",")
}

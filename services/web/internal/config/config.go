// Package config is the web tier's configuration: one struct, flags with
// THRIFTCHAT_* environment overrides, every default in one place.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/thriftchat/thriftchat/services/internal/ports"
	"github.com/thriftchat/thriftchat/services/internal/runtime"
	"github.com/thriftchat/thriftchat/services/internal/token"
)

// DevSecret signs tokens in -dev mode when no -token-secret is given. It is
// public, so -dev must never face the internet; channel instances in the
// same dev setup must be given it too.
const DevSecret = "thriftchat-dev-secret-not-for-production"

// Poll modes: how browsers reach their channel owner.
const (
	// PollProxy relays polls through the web tier's /poll (one public port).
	PollProxy = "proxy"
	// PollDirect hands browsers the owner's own poll_url when it has one.
	PollDirect = "direct"
)

// Config is everything the web tier takes.
type Config struct {
	runtime.Common
	// HTTPAddr serves the chat page, the JSON API and the poll proxy.
	HTTPAddr string
	// ThriftAddr serves WebService to host applications. Expose it only to
	// them: it trusts its caller.
	ThriftAddr string
	// PublicURL is the web tier's base URL as browsers reach it; chat links
	// and proxied poll URLs start with it.
	PublicURL string
	// TokenSecret signs session tokens; the channel tier verifies them with
	// the same secret. At least 32 bytes; -dev falls back to DevSecret.
	TokenSecret string
	// Dev seeds demo users and enables the demo sign-in.
	Dev bool
	// DataDir holds the users-and-friends store.
	DataDir string
	// PollMode is PollProxy or PollDirect.
	PollMode string
	// SecureCookies marks the session cookie Secure (HTTPS deployments).
	SecureCookies bool
	// FrameAncestors lists the host sites allowed to frame the chat,
	// comma-separated origins.
	FrameAncestors string
	// SendRate and SendBurst limit each user's sends per second.
	SendRate  float64
	SendBurst int
	// SignalRate and SignalBurst limit each user's typing and read signals.
	SignalRate  float64
	SignalBurst int
	// PollTimeout bounds the wait for a channel's answer to a relayed poll;
	// above the channel's hold time.
	PollTimeout time.Duration
	// ChannelAddrs, PresenceAddrs and ChatlogAddrs are the static instance
	// lists used without Consul; channel entries carry |http_addr=host:port
	// (and optionally |poll_url=...).
	ChannelAddrs, PresenceAddrs, ChatlogAddrs string
}

// Register adds every flag to fs, with its default.
func (c *Config) Register(fs *flag.FlagSet) {
	c.Common.Register(fs, ports.WebAdmin)
	fs.StringVar(&c.HTTPAddr, "http-addr", ports.Addr("", ports.WebHTTP), "HTTP address: chat page, JSON API, poll proxy")
	fs.StringVar(&c.ThriftAddr, "thrift-addr", ports.Addr("", ports.WebThrift), "Thrift address of WebService, for host applications only")
	fs.StringVar(&c.PublicURL, "public-url", fmt.Sprintf("http://localhost:%d", ports.WebHTTP), "base URL browsers reach the web tier on")
	fs.StringVar(&c.TokenSecret, "token-secret", "", "token signing secret shared with channel, at least 32 bytes (required unless -dev)")
	fs.BoolVar(&c.Dev, "dev", false, "development mode: demo users and demo sign-in (never on the internet)")
	fs.StringVar(&c.DataDir, "data-dir", "./data/web", "directory of the users-and-friends store")
	fs.StringVar(&c.PollMode, "poll-mode", PollProxy, "how browsers reach their channel: proxy (through /poll here) or direct (owner's poll_url)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", false, "mark the session cookie Secure (serve over HTTPS)")
	fs.StringVar(&c.FrameAncestors, "frame-ancestors", "", "origins allowed to frame the chat, comma-separated (default: this origin only)")
	fs.Float64Var(&c.SendRate, "send-rate", 5, "sends per second per user (0: unlimited)")
	fs.IntVar(&c.SendBurst, "send-burst", 20, "sends a user may make at once")
	fs.Float64Var(&c.SignalRate, "signal-rate", 10, "typing and read signals per second per user (0: unlimited)")
	fs.IntVar(&c.SignalBurst, "signal-burst", 40, "typing and read signals a user may make at once")
	fs.DurationVar(&c.PollTimeout, "poll-timeout", 90*time.Second, "longest wait for a channel's answer to a relayed poll (above its hold time)")
	fs.StringVar(&c.ChannelAddrs, "channel-addrs", "", "static channel instances, addr|http_addr=host:port[|poll_url=URL],... (without -consul)")
	fs.StringVar(&c.PresenceAddrs, "presence-addrs", "", "static presence instances, host:port,... (without -consul)")
	fs.StringVar(&c.ChatlogAddrs, "chatlog-addrs", "", "static chatlog instances, host:port,... (without -consul)")
}

// Parse reads args and the environment into a validated Config.
func Parse(args []string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("web", flag.ContinueOnError)
	c.Register(fs)
	if err := runtime.Parse(fs, args); err != nil {
		return c, err
	}
	if c.Dev && c.TokenSecret == "" {
		c.TokenSecret = DevSecret
	}
	return c, c.Validate()
}

// Validate reports every setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	if len(c.TokenSecret) < token.MinSecretLen {
		errs = append(errs, fmt.Errorf("-token-secret (%s) must be at least %d bytes", runtime.EnvName("token-secret"), token.MinSecretLen))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" {
		errs = append(errs, fmt.Errorf("-public-url %q: want an absolute http(s) URL without query", c.PublicURL))
	}
	if c.PollMode != PollProxy && c.PollMode != PollDirect {
		errs = append(errs, fmt.Errorf("-poll-mode %q: want %s or %s", c.PollMode, PollProxy, PollDirect))
	}
	for _, o := range c.Ancestors() {
		if !validSource(o) {
			errs = append(errs, fmt.Errorf("-frame-ancestors %q: want scheme://host[:port] origins", o))
		}
	}
	if c.SendRate < 0 || c.SignalRate < 0 || c.SendBurst < 1 || c.SignalBurst < 1 {
		errs = append(errs, errors.New("rates must be >= 0 and bursts >= 1"))
	}
	if c.PollTimeout < time.Second {
		errs = append(errs, fmt.Errorf("-poll-timeout %v: at least 1s, above the channel's hold time", c.PollTimeout))
	}
	return errors.Join(errs...)
}

// Ancestors is FrameAncestors as a list.
func (c Config) Ancestors() []string { return runtime.List(c.FrameAncestors) }

// validSource accepts an origin that is safe to paste into a CSP directive:
// scheme://host[:port], host possibly a "*." wildcard, nothing else.
func validSource(o string) bool {
	for i := 0; i < len(o); i++ {
		if c := o[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(";,'\"", c) >= 0 {
			return false
		}
	}
	u, err := url.Parse(strings.Replace(o, "://*.", "://wildcard.", 1))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		(u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.User == nil && u.Fragment == ""
}

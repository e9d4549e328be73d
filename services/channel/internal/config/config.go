// Package config is the channel service's configuration: one struct, flags
// with THRIFTCHAT_* environment overrides, every default in one place.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"time"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/internal/ports"
	"github.com/thriftchat/thriftchat/services/internal/runtime"
	"github.com/thriftchat/thriftchat/services/internal/token"
)

// Config is everything the channel service takes.
type Config struct {
	runtime.Common
	// ThriftAddr serves ChannelService (deliver, state, connected).
	ThriftAddr string
	// HTTPAddr serves the browsers' long-polls.
	HTTPAddr string
	// TokenSecret verifies the web tier's tokens (at least 32 bytes).
	TokenSecret string
	// WebOrigins are the origins allowed to poll cross-origin, comma-separated.
	WebOrigins string
	// PublicURL is the public base URL browsers poll this instance on, for
	// "moved" answers and handshakes; empty when the web tier proxies polls.
	PublicURL string
	// Hold parks a poll this long (± HoldJitter) before answering "continue".
	Hold, HoldJitter time.Duration
	// Queue bounds every user's mailbox, and MaxPollers the polls per user.
	Queue queue.Limits
	// PresenceAddrs is the static presence instance list (without Consul);
	// empty without Consul turns presence reporting off.
	PresenceAddrs string
	// ChannelAddrs is the static channel tier, this instance included
	// (without Consul); empty means this instance alone.
	ChannelAddrs string
	// ReportInterval is the time between presence reports.
	ReportInterval time.Duration
}

// Register adds every flag to fs, with its default.
func (c *Config) Register(fs *flag.FlagSet) {
	c.Common.Register(fs, ports.ChannelAdmin)
	d := queue.DefaultLimits()
	fs.StringVar(&c.ThriftAddr, "thrift-addr", ports.Addr("", ports.ChannelThrift), "Thrift address (deliver, state)")
	fs.StringVar(&c.HTTPAddr, "http-addr", ports.Addr("", ports.ChannelHTTP), "HTTP address of the browsers' long-polls")
	fs.StringVar(&c.TokenSecret, "token-secret", "", "shared secret of the web tier's tokens, at least 32 bytes (required)")
	fs.StringVar(&c.WebOrigins, "web-origin", "", "web origins allowed to poll cross-origin, comma-separated (e.g. https://chat.example.com)")
	fs.StringVar(&c.PublicURL, "public-url", "", "public base URL browsers poll this instance on (e.g. https://chat.example.com/channel-3); may be empty")
	fs.DurationVar(&c.Hold, "hold", 50*time.Second, "how long a poll is parked before it is answered continue")
	fs.DurationVar(&c.HoldJitter, "hold-jitter", 5*time.Second, "random spread of the hold time, plus or minus")
	fs.IntVar(&c.Queue.MaxPollers, "max-pollers", d.MaxPollers, "parked polls per user (one per tab)")
	fs.IntVar(&c.Queue.MaxCount, "queue-max-count", d.MaxCount, "payloads held per user")
	fs.IntVar(&c.Queue.MaxBytes, "queue-max-bytes", d.MaxBytes, "payload bytes held per user")
	fs.DurationVar(&c.Queue.MaxAge, "queue-max-age", d.MaxAge, "a payload older than this is dropped, acknowledged or not")
	fs.DurationVar(&c.Queue.AckGrace, "queue-ack-grace", d.AckGrace, "an acknowledged payload lingers this long for other tabs")
	fs.DurationVar(&c.Queue.IdleExpiry, "queue-idle-expiry", d.IdleExpiry, "a user's queue with no poll for this long is dropped")
	c.Queue.MaxPayload, c.Queue.SeenGrace = d.MaxPayload, d.SeenGrace // fixed by the protocol
	fs.StringVar(&c.PresenceAddrs, "presence-addrs", "", "static presence instances, host:port[,host:port] (without -consul)")
	fs.StringVar(&c.ChannelAddrs, "channel-addrs", "", "static channel tier, this instance included, as addr|http_addr=…|poll_url=…,… (default: this instance alone)")
	fs.DurationVar(&c.ReportInterval, "report-interval", 5*time.Second, "time between presence reports")
}

// Parse reads args and the environment into a validated Config.
func Parse(args []string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("channel", flag.ContinueOnError)
	c.Register(fs)
	if err := runtime.Parse(fs, args); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	if len(c.TokenSecret) < token.MinSecretLen {
		errs = append(errs, fmt.Errorf("-token-secret (%s) must be at least %d bytes", runtime.EnvName("token-secret"), token.MinSecretLen))
	}
	if c.Hold <= 0 || c.HoldJitter < 0 || c.HoldJitter >= c.Hold {
		errs = append(errs, fmt.Errorf("-hold %v and -hold-jitter %v: need 0 <= jitter < hold", c.Hold, c.HoldJitter))
	}
	if c.ReportInterval < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("-report-interval %v: at least 100ms", c.ReportInterval))
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("-public-url %q: want an absolute http(s) URL", c.PublicURL))
		}
	}
	for _, o := range c.Origins() {
		if u, err := url.Parse(o); err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			errs = append(errs, fmt.Errorf("-web-origin %q: want scheme://host[:port]", o))
		}
	}
	if err := c.Queue.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Origins is WebOrigins as a list.
func (c Config) Origins() []string { return runtime.List(c.WebOrigins) }

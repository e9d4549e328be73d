// Command web is the web tier: the chat page and its JSON API, sessions,
// friends, the send path, buddy lists, the long-poll proxy to the channel
// tier, and the Thrift WebService host applications call. It only composes;
// the parts live in internal/.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/thriftchat/thriftchat/services/channel/channelclient"
	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/ports"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/internal/runtime"
	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
	"github.com/thriftchat/thriftchat/services/web/internal/chat"
	"github.com/thriftchat/thriftchat/services/web/internal/config"
	"github.com/thriftchat/thriftchat/services/web/internal/httpapi"
	"github.com/thriftchat/thriftchat/services/web/internal/pollproxy"
	"github.com/thriftchat/thriftchat/services/web/internal/session"
	"github.com/thriftchat/thriftchat/services/web/internal/store"
	"github.com/thriftchat/thriftchat/services/web/internal/thriftapi"
	"github.com/thriftchat/thriftchat/services/web/internal/ui"
)

func main() { runtime.Main("web", ports.WebAdmin, run) }

// run serves until ctx ends, then shuts down in order: not ready,
// deregister, drain relayed polls, stop the servers, close clients and store.
func run(ctx context.Context, args []string, logOut io.Writer) error {
	cfg, err := config.Parse(args)
	if err != nil {
		return err
	}
	r, err := runtime.New("web", cfg.Common, logOut)
	if err != nil {
		return err
	}
	if cfg.TokenSecret == config.DevSecret {
		r.Log.Warn().Msg("-dev: signing tokens with the public dev secret; give channel the same -token-secret")
	}
	st, err := store.OpenBolt(cfg.DataDir, nil)
	if err != nil {
		return shutdownEarly(r, err)
	}
	r.OnStop(runtime.PhaseStores, "store", func(context.Context) error { return st.Close() })
	sessions, err := session.NewManager([]byte(cfg.TokenSecret), nil)
	if err != nil {
		return shutdownEarly(r, err)
	}
	tiers, err := dial(r, cfg)
	if err != nil {
		return shutdownEarly(r, err)
	}
	router := pollproxy.Router{View: tiers.channels.View}
	svc := chat.New(chatConfig(cfg, router), chat.Deps{
		Store: st, Sessions: sessions, Chatlog: tiers.chatlog, Presence: tiers.presence, Channel: tiers.channel,
		Metrics: chat.NewMetrics(r.Metrics), Log: r.Log,
	})
	if cfg.Dev {
		if err := svc.SeedDemo(ctx); err != nil {
			return shutdownEarly(r, err)
		}
	}
	proxy := pollproxy.New(pollproxy.Config{
		Router: router, Sessions: sessions, HeaderTimeout: cfg.PollTimeout, Metrics: r.Metrics, Log: r.Log,
	})
	r.OnStop(runtime.PhaseStores, "poll proxy", func(context.Context) error { proxy.Close(); return nil })
	api := httpapi.New(apiOptions(cfg, router), httpapi.Deps{
		Chat: svc, Sessions: sessions, UI: ui.Handler(), Poll: proxy, Log: r.Log,
	})
	self, err := serve(r, cfg, api, proxy, thriftapi.New(svc, r.Log))
	if err != nil {
		return shutdownEarly(r, err)
	}
	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	err = r.Announce(actx, self)
	cancel()
	if err != nil {
		return shutdownEarly(r, err)
	}
	r.Log.Info().Str("thrift", self.Addr).Str("http", self.Meta["http_addr"]).Str("public", cfg.PublicURL).
		Bool("dev", cfg.Dev).Str("poll_mode", cfg.PollMode).Msg("serving")
	r.SetReady()
	return r.Run(ctx)
}

// serve binds and starts the HTTP and Thrift servers and registers their
// shutdown; it returns this instance as discovery should list it.
func serve(r *runtime.Runtime, cfg config.Config, api http.Handler, proxy *pollproxy.Proxy, web *thriftapi.Handler) (discovery.Instance, error) {
	httpLn, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return discovery.Instance{}, fmt.Errorf("http listen %s: %w", cfg.HTTPAddr, err)
	}
	tsrv, err := rpc.Listen(cfg.ThriftAddr, web.Processor(), rpc.ServerOptions{Metrics: r.Metrics, Log: r.Log})
	if err != nil {
		httpLn.Close()
		return discovery.Instance{}, err
	}
	// ReadTimeout bounds reading a request (headers and body): net/http lifts
	// the read deadline once the request is in, so it never cuts a relayed
	// long-poll. No WriteTimeout: those are answered up to a minute later.
	hsrv := &http.Server{Handler: api, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 32 << 10}
	r.Go("http", func() error {
		if err := hsrv.Serve(httpLn); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	r.Go("thrift", tsrv.Serve)
	r.OnStop(runtime.PhaseDrain, "relayed polls", func(ctx context.Context) error { return proxy.Drain(ctx, cfg.DrainWindow) })
	r.OnStop(runtime.PhaseServers, "http", hsrv.Shutdown)
	r.OnStop(runtime.PhaseServers, "thrift", tsrv.Shutdown)
	return discovery.Instance{Service: "web", Addr: r.AdvertiseAddr(tsrv.Addr()), Meta: map[string]string{
		"http_addr": r.AdvertiseAddr(httpLn.Addr()), "public_url": cfg.PublicURL,
	}}, nil
}

// tiers are the clients of the other services and the channel tier's view.
type tiers struct {
	channels discovery.Resolver
	channel  *channelclient.Client
	presence *presenceclient.Client
	chatlog  *chatlogclient.Client
}

// dial follows the other tiers (Consul, or the static lists) and builds a
// client for each; they close after the servers stop.
func dial(r *runtime.Runtime, cfg config.Config) (tiers, error) {
	var t tiers
	var errs [3]error
	var presence, chatlog discovery.Resolver
	t.channels, errs[0] = r.Resolver("channel", cfg.ChannelAddrs)
	presence, errs[1] = r.Resolver("presence", cfg.PresenceAddrs)
	chatlog, errs[2] = r.Resolver("chatlog", cfg.ChatlogAddrs)
	if err := errors.Join(errs[:]...); err != nil {
		return t, err
	}
	if cfg.Consul == "" && (cfg.ChannelAddrs == "" || cfg.PresenceAddrs == "" || cfg.ChatlogAddrs == "") {
		r.Log.Warn().Msg("static discovery with an empty -channel-addrs, -presence-addrs or -chatlog-addrs: that tier is unavailable")
	}
	t.channel, t.presence, t.chatlog = channelclient.New(t.channels), presenceclient.New(presence), chatlogclient.New(chatlog)
	r.OnStop(runtime.PhaseStores, "clients", func(context.Context) error {
		return errors.Join(t.channel.Close(), t.presence.Close(), t.chatlog.Close())
	})
	return t, nil
}

func chatConfig(cfg config.Config, router pollproxy.Router) chat.Config {
	c := chat.Config{PublicURL: cfg.PublicURL, SendRate: cfg.SendRate, SendBurst: cfg.SendBurst,
		SignalRate: cfg.SignalRate, SignalBurst: cfg.SignalBurst}
	if cfg.PollMode == config.PollDirect {
		c.DirectPollURL = router.PollURL
	}
	return c
}

func apiOptions(cfg config.Config, router pollproxy.Router) httpapi.Options {
	o := httpapi.Options{Dev: cfg.Dev, SecureCookies: cfg.SecureCookies, FrameAncestors: cfg.Ancestors(), PublicURL: cfg.PublicURL}
	if cfg.PollMode == config.PollDirect {
		o.PollOrigins = router.Origins
	}
	return o
}

// shutdownEarly stops what was started when composing fails half-way: Run
// with a cancelled context goes straight to the ordered shutdown.
func shutdownEarly(r *runtime.Runtime, cause error) error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.Run(ctx)
	return cause
}

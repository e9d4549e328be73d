package pollproxy

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httputil"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/web/internal/session"
)

// Config shapes a Proxy.
type Config struct {
	Router   Router
	Sessions *session.Manager
	// HeaderTimeout bounds the wait for the channel's answer; it must exceed
	// the channel's hold time (50 s ± jitter). Default 90 s.
	HeaderTimeout time.Duration
	// Metrics receives the proxy's gauges; nil leaves them unregistered.
	Metrics prometheus.Registerer
	Log     zerolog.Logger
}

// Proxy relays GET /poll to the channel instance owning the token's user.
// The upstream is always that owner's registered http_addr and path /poll;
// nothing in the request can point it elsewhere.
type Proxy struct {
	cfg       Config
	transport *http.Transport
	rp        *httputil.ReverseProxy
	inFlight  prometheus.Gauge
	outcomes  *prometheus.CounterVec

	mu       sync.Mutex
	draining bool
	polls    map[*poll]struct{}
	idle     chan struct{} // closed when draining and the last poll ends
}

// poll is one relayed request, cancellable by Drain.
type poll struct{ cancel context.CancelCauseFunc }

type targetKey struct{}

// errDraining is the cause of polls cut by Drain.
var errDraining = errors.New("web tier draining")

// New builds a Proxy.
func New(cfg Config) *Proxy {
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = 90 * time.Second
	}
	p := &Proxy{
		cfg: cfg, polls: map[*poll]struct{}{},
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "web_poll_proxy_in_flight", Help: "Long-polls being relayed to channel owners right now.",
		}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "web_poll_proxy_total", Help: "Poll requests by outcome: relayed, unauthorized, no_owner, draining (refused), drained (cut), upstream_error, client_gone.",
		}, []string{"outcome"}),
	}
	if cfg.Metrics != nil {
		cfg.Metrics.MustRegister(p.inFlight, p.outcomes)
	}
	// Every parked poll holds a connection, so keep plenty idle per owner.
	p.transport = &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost:   1024,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: cfg.HeaderTimeout,
		DisableCompression:    true,
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        rewrite,
		Transport:      p.transport,
		FlushInterval:  -1, // an answer goes out the moment the channel writes it
		ModifyResponse: dropOwnHeaders,
		ErrorHandler:   p.upstreamError,
	}
	return p
}

// rewrite points the outgoing request at the owner chosen in ServeHTTP.
func rewrite(pr *httputil.ProxyRequest) {
	target := pr.In.Context().Value(targetKey{}).(string)
	pr.Out.URL.Scheme, pr.Out.URL.Host, pr.Out.Host = "http", target, target
	pr.Out.URL.Path, pr.Out.URL.RawPath = "/poll", ""
	pr.Out.URL.RawQuery = pr.In.URL.RawQuery
	// The channel wants only the bearer token, never our session cookie.
	pr.Out.Header.Del("Cookie")
	pr.SetXForwarded()
}

// dropOwnHeaders removes the channel's copies of headers the web tier sets
// on every answer itself, so each appears once.
func dropOwnHeaders(resp *http.Response) error {
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
		"X-Frame-Options", "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy"} {
		resp.Header.Del(h)
	}
	return nil
}

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		answer(w, http.StatusMethodNotAllowed, "error", "use GET")
		return
	}
	s, err := p.cfg.Sessions.Verify(bearer(r))
	if err != nil {
		p.outcomes.WithLabelValues("unauthorized").Inc()
		answer(w, http.StatusUnauthorized, "unauthorized", err.Error())
		return
	}
	owner, ok := p.cfg.Router.Owner(s.User)
	target := owner.Meta[MetaHTTPAddr]
	if !ok || target == "" {
		p.outcomes.WithLabelValues("no_owner").Inc()
		w.Header().Set("Retry-After", "1")
		answer(w, http.StatusServiceUnavailable, "error", "no channel instance to poll")
		return
	}
	pl, ctx, ok := p.begin(r.Context())
	if !ok {
		p.outcomes.WithLabelValues("draining").Inc()
		answer(w, http.StatusServiceUnavailable, "error", errDraining.Error())
		return
	}
	defer p.end(pl)
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(ctx, targetKey{}, target)))
}

// bearer is the token from "Authorization: Bearer", else ?token=.
func bearer(r *http.Request) string {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(tok)
	}
	return r.URL.Query().Get("token")
}

func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(context.Cause(r.Context()), errDraining):
		p.outcomes.WithLabelValues("drained").Inc()
		w.Header().Set("Retry-After", "1")
		answer(w, http.StatusServiceUnavailable, "error", errDraining.Error())
	case r.Context().Err() != nil:
		p.outcomes.WithLabelValues("client_gone").Inc() // nobody to answer
	default:
		p.outcomes.WithLabelValues("upstream_error").Inc()
		p.cfg.Log.Warn().Err(err).Str("owner", r.URL.Host).Msg("poll relay failed")
		answer(w, http.StatusBadGateway, "error", "channel owner unreachable; retry")
	}
}

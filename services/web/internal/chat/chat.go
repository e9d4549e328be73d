// Package chat is the web tier's domain: users and friendships, sessions,
// the send path, typing and read marks, buddy lists and history. It speaks to
// the other tiers through the small interfaces below and knows nothing of
// HTTP or Thrift; adapters map its errors to status codes and exceptions.
package chat

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/channel/channelclient"
	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
	"github.com/thriftchat/thriftchat/services/web/internal/limit"
	"github.com/thriftchat/thriftchat/services/web/internal/session"
	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

// Chatlog is what the chat needs of the chatlog tier.
type Chatlog interface {
	// Append stores a message; the same (sender, clientMsgID) returns the
	// stored one.
	Append(ctx context.Context, sender, recipient int64, text, clientMsgID string) (chatlogclient.Message, error)
	// History pages a conversation (beforeSeq 0, afterSeq -1: newest page).
	History(ctx context.Context, conversation string, beforeSeq, afterSeq int64, limit int) (chatlogclient.Page, error)
	// Recent lists the user's conversations, newest activity first.
	Recent(ctx context.Context, user int64, limit int) ([]chatlogclient.Summary, error)
	// MarkRead moves the user's read mark forward.
	MarkRead(ctx context.Context, user int64, conversation string, seq int64) error
	// Since lists messages to or from the user stored after since.
	Since(ctx context.Context, user int64, since time.Time, limit int) (msgs []chatlogclient.Message, more bool, err error)
}

// Presence is what the chat needs of the presence tier.
type Presence interface {
	// Get answers each user's presence, in order.
	Get(ctx context.Context, users []int64) ([]presenceclient.Presence, error)
	// Changes answers the users whose state changed after sinceVersion
	// (0: all of them) and the version to pass next time.
	Changes(ctx context.Context, users []int64, sinceVersion int64) (version int64, changed []presenceclient.Presence, err error)
}

// Channel is what the chat needs of the channel tier.
type Channel interface {
	// Deliver enqueues payloads on their users' queues.
	Deliver(ctx context.Context, deliveries []channelclient.Delivery) ([]channelclient.Result, error)
	// State is where a user's queue stands.
	State(ctx context.Context, user int64) (channelclient.State, error)
}

// Config is the domain's share of the web tier's configuration.
type Config struct {
	// PublicURL is the web tier's own base URL, as browsers reach it.
	PublicURL string
	// DirectPollURL, when set, names the public poll URL of user's channel
	// owner ("" if it advertises none); nil means polls go through the web
	// tier's proxy.
	DirectPollURL func(user int64) string
	// SendRate and SendBurst limit each user's sends.
	SendRate  float64
	SendBurst int
	// SignalRate and SignalBurst limit each user's typing and read signals.
	SignalRate  float64
	SignalBurst int
	// DeliverTimeout bounds the push to channel owners after a send.
	DeliverTimeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service is the web tier's domain. It is safe for concurrent use.
type Service struct {
	cfg      Config
	store    store.Store
	sessions *session.Manager
	chatlog  Chatlog
	presence Presence
	channel  Channel
	sends    *limit.Limiter
	signals  *limit.Limiter
	metrics  *Metrics
	log      zerolog.Logger
}

// Deps are the Service's collaborators.
type Deps struct {
	Store    store.Store
	Sessions *session.Manager
	Chatlog  Chatlog
	Presence Presence
	Channel  Channel
	// Metrics may be nil (no metrics).
	Metrics *Metrics
	Log     zerolog.Logger
}

// New builds a Service.
func New(cfg Config, d Deps) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DeliverTimeout <= 0 {
		cfg.DeliverTimeout = 2 * time.Second
	}
	if d.Metrics == nil {
		d.Metrics = NewMetrics(nil)
	}
	return &Service{
		cfg: cfg, store: d.Store, sessions: d.Sessions,
		chatlog: d.Chatlog, presence: d.Presence, channel: d.Channel,
		sends:   limit.New(cfg.SendRate, cfg.SendBurst, cfg.Now),
		signals: limit.New(cfg.SignalRate, cfg.SignalBurst, cfg.Now),
		metrics: d.Metrics, log: d.Log,
	}
}

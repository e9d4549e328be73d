package chat

import (
	"context"
	"errors"
	"fmt"

	"github.com/thriftchat/thriftchat/services/channel/channelclient"
	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
)

// Send stores a message from sender to recipient and pushes it to both
// users' tabs. The push is best effort: once the chatlog has the message the
// send has succeeded, and a browser that missed the push fills the gap from
// history. Retrying with the same clientMsgID returns the stored message.
func (s *Service) Send(ctx context.Context, sender, recipient int64, text, clientMsgID string) (chatlogclient.Message, error) {
	start := s.cfg.Now()
	m, err := s.send(ctx, sender, recipient, text, clientMsgID)
	s.metrics.sends.WithLabelValues(sendOutcome(err)).Inc()
	s.metrics.sendSeconds.Observe(s.cfg.Now().Sub(start).Seconds())
	return m, err
}

func (s *Service) send(ctx context.Context, sender, recipient int64, text, clientMsgID string) (chatlogclient.Message, error) {
	if err := s.checkSend(sender, recipient, text, clientMsgID); err != nil {
		return chatlogclient.Message{}, err
	}
	if err := s.checkFriends(ctx, sender, recipient); err != nil {
		return chatlogclient.Message{}, err
	}
	if ok, wait := s.sends.Allow(sender); !ok {
		return chatlogclient.Message{}, &RateLimitError{RetryAfter: wait}
	}
	m, err := s.chatlog.Append(ctx, sender, recipient, text, clientMsgID)
	if err != nil {
		return chatlogclient.Message{}, chatlogErr(fmt.Sprintf("append %d→%d", sender, recipient), err)
	}
	payload := messageJSON(m)
	s.deliver(ctx, []channelclient.Delivery{{User: recipient, Payload: payload}, {User: sender, Payload: payload}})
	return m, nil
}

func (s *Service) checkSend(sender, recipient int64, text, clientMsgID string) error {
	if err := checkUser("sender", sender); err != nil {
		return err
	}
	if err := checkPeer("to", sender, recipient); err != nil {
		return err
	}
	if err := checkText("text", text, MaxTextBytes); err != nil {
		return err
	}
	return checkLine("clientMsgId", clientMsgID, MaxClientID)
}

// Typing tells recipient's tabs that sender started or stopped typing.
func (s *Service) Typing(ctx context.Context, sender, recipient int64, typing bool) error {
	if err := checkPeer("to", sender, recipient); err != nil {
		return err
	}
	if err := s.checkFriends(ctx, sender, recipient); err != nil {
		return err
	}
	if ok, wait := s.signals.Allow(sender); !ok {
		return &RateLimitError{RetryAfter: wait}
	}
	s.deliver(ctx, []channelclient.Delivery{{User: recipient, Payload: typingJSON(sender, recipient, typing)}})
	return nil
}

// MarkRead records that user has read the conversation with peer up to seq
// and tells the user's other tabs. Peers need not be friends any more: the
// conversation is still the user's.
func (s *Service) MarkRead(ctx context.Context, user, peer, seq int64) error {
	if err := checkPeer("peer", user, peer); err != nil {
		return err
	}
	if seq < 0 {
		return invalid("seq", "%d, must not be negative", seq)
	}
	if ok, wait := s.signals.Allow(user); !ok {
		return &RateLimitError{RetryAfter: wait}
	}
	conv := chatlogclient.ConversationID(user, peer)
	if err := s.chatlog.MarkRead(ctx, user, conv, seq); err != nil {
		return chatlogErr("mark read "+conv, err)
	}
	s.deliver(ctx, []channelclient.Delivery{{User: user, Payload: readJSON(user, conv, seq)}})
	return nil
}

func (s *Service) checkFriends(ctx context.Context, a, b int64) error {
	ok, err := s.store.AreFriends(ctx, a, b)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%d and %d: %w", a, b, ErrNotFriends)
	}
	return nil
}

// deliver pushes payloads and logs what did not arrive: the caller's action
// already succeeded, and browsers recover from a lost push (reset, history).
// It outlives the request's cancellation (a browser closing the tab right
// after sending must not cut the push to the recipient) but not the timeout.
func (s *Service) deliver(ctx context.Context, ds []channelclient.Delivery) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.DeliverTimeout)
	defer cancel()
	results, err := s.channel.Deliver(ctx, ds)
	if err != nil {
		s.metrics.deliveries.WithLabelValues("error").Add(float64(len(ds)))
		s.log.Warn().Err(err).Int("deliveries", len(ds)).Msg("deliver failed; browsers will fill the gap")
		return
	}
	for _, r := range results {
		s.metrics.deliveries.WithLabelValues(deliveryOutcome(r.Status)).Inc()
		if r.Status != channelclient.Delivered {
			s.log.Warn().Err(r.Err).Int64("user", r.User).Str("status", deliveryOutcome(r.Status)).Msg("delivery not enqueued")
		}
	}
}

// chatlogErr maps a chatlog failure: a refused request is the caller's
// fault (and means nothing was stored); anything else is unavailability.
func chatlogErr(what string, err error) error {
	if errors.Is(err, chatlogclient.ErrInvalid) {
		return &InvalidError{Reason: err.Error()}
	}
	return fmt.Errorf("%s: %w: %w", what, ErrUnavailable, err)
}

func sendOutcome(err error) string {
	var inv *InvalidError
	var rl *RateLimitError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &inv):
		return "invalid"
	case errors.Is(err, ErrNotFriends):
		return "not_friends"
	case errors.As(err, &rl):
		return "rate_limited"
	case errors.Is(err, ErrUnavailable):
		return "unavailable"
	}
	return "error"
}

func deliveryOutcome(s channelclient.Status) string {
	switch s {
	case channelclient.Delivered:
		return "delivered"
	case channelclient.Overflow:
		return "overflow"
	case channelclient.Invalid:
		return "invalid"
	case channelclient.Unreachable:
		return "unreachable"
	}
	return "unknown"
}

package chat

import (
	"context"
	"fmt"
	"time"

	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
)

// History pages the conversation between user and peer: beforeSeq 0 and
// afterSeq -1 ask for the newest page; limit 0 means 50.
func (s *Service) History(ctx context.Context, user, peer, beforeSeq, afterSeq int64, limit int) (chatlogclient.Page, error) {
	if err := checkUser("user", user); err != nil {
		return chatlogclient.Page{}, err
	}
	if err := checkPeer("peer", user, peer); err != nil {
		return chatlogclient.Page{}, err
	}
	if beforeSeq < 0 {
		return chatlogclient.Page{}, invalid("before", "%d, must not be negative", beforeSeq)
	}
	if afterSeq < -1 {
		return chatlogclient.Page{}, invalid("after", "%d, must be -1 or more", afterSeq)
	}
	limit, err := checkLimit(limit, MaxHistory)
	if err != nil {
		return chatlogclient.Page{}, err
	}
	conv := chatlogclient.ConversationID(user, peer)
	page, err := s.chatlog.History(ctx, conv, beforeSeq, afterSeq, limit)
	if err != nil {
		return chatlogclient.Page{}, chatlogErr("history "+conv, err)
	}
	return page, nil
}

// Conversation is a recent conversation with the peer's display name.
type Conversation struct {
	chatlogclient.Summary
	PeerName string
}

// Recent lists user's conversations, newest activity first; limit 0 means 50.
func (s *Service) Recent(ctx context.Context, user int64, limit int) ([]Conversation, error) {
	if err := checkUser("user", user); err != nil {
		return nil, err
	}
	limit, err := checkLimit(limit, MaxRecent)
	if err != nil {
		return nil, err
	}
	sums, err := s.chatlog.Recent(ctx, user, limit)
	if err != nil {
		return nil, chatlogErr(fmt.Sprintf("recent of %d", user), err)
	}
	peers := make([]int64, len(sums))
	for i, c := range sums {
		peers[i] = c.Peer
	}
	names, err := s.names(ctx, peers)
	if err != nil {
		return nil, err
	}
	out := make([]Conversation, len(sums))
	for i, c := range sums {
		out[i] = Conversation{Summary: c, PeerName: names[c.Peer]}
	}
	return out, nil
}

// Since lists messages to or from user stored after since, oldest first:
// what a browser missed across a reset. limit 0 means 50.
func (s *Service) Since(ctx context.Context, user int64, since time.Time, limit int) ([]chatlogclient.Message, bool, error) {
	if err := checkUser("user", user); err != nil {
		return nil, false, err
	}
	limit, err := checkLimit(limit, MaxSince)
	if err != nil {
		return nil, false, err
	}
	msgs, more, err := s.chatlog.Since(ctx, user, since, limit)
	if err != nil {
		return nil, false, chatlogErr(fmt.Sprintf("since of %d", user), err)
	}
	return msgs, more, nil
}

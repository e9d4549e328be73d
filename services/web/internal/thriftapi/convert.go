package thriftapi

import (
	"time"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
)

func message(m chatlogclient.Message) *commont.Message {
	return &commont.Message{
		ID: m.ID, Conversation: commont.ConversationId(m.Conversation), Seq: m.Seq,
		Sender: commont.UserId(m.Sender), Recipient: commont.UserId(m.Recipient),
		Text: m.Text, SentAtMs: unixMilli(m.SentAt), ClientMsgId: m.ClientMsgID,
	}
}

// state maps presence to the IDL, which has no "unknown": a user whose
// shard did not answer reads as offline, with lastActiveMs as known.
func state(s presenceclient.State) presencet.State {
	switch s {
	case presenceclient.Active:
		return presencet.State_ACTIVE
	case presenceclient.Idle:
		return presencet.State_IDLE
	}
	return presencet.State_OFFLINE
}

func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

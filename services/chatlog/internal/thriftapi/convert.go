package thriftapi

import (
	chatlogt "github.com/thriftchat/thriftchat/gen-go/chatlog"
	commont "github.com/thriftchat/thriftchat/gen-go/common"
	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

// draft converts a request; a missing one becomes an empty, invalid draft.
func draft(r *chatlogt.AppendRequest) convlog.Draft {
	if r == nil {
		return convlog.Draft{}
	}
	return convlog.Draft{Sender: int64(r.Sender), Recipient: int64(r.Recipient), Text: r.Text, ClientMsgID: r.ClientMsgId}
}

func message(m convlog.Message) *commont.Message {
	return &commont.Message{
		ID: m.ID, Conversation: commont.ConversationId(m.Conv), Seq: m.Seq,
		Sender: commont.UserId(m.Sender), Recipient: commont.UserId(m.Recipient),
		Text: m.Text, SentAtMs: m.SentAt.UnixMilli(), ClientMsgId: m.ClientMsgID,
	}
}

func messages(ms []convlog.Message) []*commont.Message {
	out := make([]*commont.Message, len(ms))
	for i, m := range ms {
		out[i] = message(m)
	}
	return out
}

func summary(s convlog.Summary) *chatlogt.ConversationSummary {
	return &chatlogt.ConversationSummary{
		Conversation: commont.ConversationId(s.Conv), Peer: commont.UserId(s.Peer), Last: message(s.Last),
		Unread: int32(min(s.Unread, 1<<31-1)), ReadSeq: s.ReadSeq,
	}
}

package httpapi

import (
	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
	"github.com/thriftchat/thriftchat/services/web/internal/chat"
)

// The API's JSON shapes; messages use chat.WireMessage, as payloads do.
type (
	userJSON struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	buddyJSON struct {
		ID           int64  `json:"id"`
		Name         string `json:"name"`
		State        string `json:"state"`
		LastActiveMs int64  `json:"lastActiveMs"`
	}
	buddyListJSON struct {
		Version int64       `json:"version"`
		Full    bool        `json:"full"`
		Buddies []buddyJSON `json:"buddies"`
	}
	conversationJSON struct {
		Conversation string           `json:"conversation"`
		Peer         int64            `json:"peer"`
		PeerName     string           `json:"peerName"`
		Last         chat.WireMessage `json:"last"`
		Unread       int              `json:"unread"`
		ReadSeq      int64            `json:"readSeq"`
	}
	pageJSON struct {
		Messages   []chat.WireMessage `json:"messages"`
		MoreBefore bool               `json:"moreBefore"`
		MoreAfter  bool               `json:"moreAfter"`
	}
	sinceJSON struct {
		Messages []chat.WireMessage `json:"messages"`
		More     bool               `json:"more"`
	}
)

func buddyList(b chat.BuddyList) buddyListJSON {
	out := buddyListJSON{Version: b.Version, Full: b.Full, Buddies: make([]buddyJSON, 0, len(b.Buddies))}
	for _, x := range b.Buddies {
		var ms int64
		if !x.LastActive.IsZero() {
			ms = x.LastActive.UnixMilli()
		}
		out.Buddies = append(out.Buddies, buddyJSON{ID: x.ID, Name: x.Name, State: x.State.String(), LastActiveMs: ms})
	}
	return out
}

func conversations(cs []chat.Conversation) []conversationJSON {
	out := make([]conversationJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, conversationJSON{
			Conversation: c.Conversation, Peer: c.Peer, PeerName: c.PeerName,
			Last: chat.Wire(c.Last), Unread: c.Unread, ReadSeq: c.ReadSeq,
		})
	}
	return out
}

func page(p chatlogclient.Page) pageJSON {
	return pageJSON{Messages: chat.WireAll(p.Messages), MoreBefore: p.MoreBefore, MoreAfter: p.MoreAfter}
}

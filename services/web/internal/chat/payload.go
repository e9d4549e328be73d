package chat

import (
	"bytes"
	"encoding/json"

	"github.com/thriftchat/thriftchat/services/chatlog/chatlogclient"
)

// WireMessage is a message as browsers see it, in payloads and the HTTP API.
type WireMessage struct {
	ID           string `json:"id"`
	Conversation string `json:"conversation"`
	Seq          int64  `json:"seq"`
	Sender       int64  `json:"sender"`
	Recipient    int64  `json:"recipient"`
	Text         string `json:"text"`
	SentAtMs     int64  `json:"sentAtMs"`
	ClientMsgID  string `json:"clientMsgId"`
}

// Wire converts a stored message to its browser form.
func Wire(m chatlogclient.Message) WireMessage {
	var ms int64
	if !m.SentAt.IsZero() {
		ms = m.SentAt.UnixMilli()
	}
	return WireMessage{
		ID: m.ID, Conversation: m.Conversation, Seq: m.Seq, Sender: m.Sender, Recipient: m.Recipient,
		Text: m.Text, SentAtMs: ms, ClientMsgID: m.ClientMsgID,
	}
}

// WireAll converts a list of stored messages; never nil, so JSON shows [].
func WireAll(ms []chatlogclient.Message) []WireMessage {
	out := make([]WireMessage, 0, len(ms))
	for _, m := range ms {
		out = append(out, Wire(m))
	}
	return out
}

// The payloads the channel tier carries to browsers verbatim.
type (
	messagePayload struct {
		Kind    string      `json:"kind"`
		Message WireMessage `json:"message"`
	}
	typingPayload struct {
		Kind   string `json:"kind"`
		From   int64  `json:"from"`
		To     int64  `json:"to"`
		Typing bool   `json:"typing"`
	}
	readPayload struct {
		Kind         string `json:"kind"`
		User         int64  `json:"user"`
		Conversation string `json:"conversation"`
		Seq          int64  `json:"seq"`
	}
)

// encodePayload writes v as compact JSON without HTML escaping: the browser
// renders text as text, and escaping < > & to six bytes each would let a
// 4,000-byte message outgrow the channel's 16 KiB payload cap.
func encodePayload(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only plain structs of strings and numbers reach here.
		panic("chat: encode payload: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func messageJSON(m chatlogclient.Message) []byte {
	return encodePayload(messagePayload{Kind: "message", Message: Wire(m)})
}

func typingJSON(from, to int64, typing bool) []byte {
	return encodePayload(typingPayload{Kind: "typing", From: from, To: to, Typing: typing})
}

func readJSON(user int64, conversation string, seq int64) []byte {
	return encodePayload(readPayload{Kind: "read", User: user, Conversation: conversation, Seq: seq})
}

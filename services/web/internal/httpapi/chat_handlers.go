package httpapi

import (
	"net/http"
	"time"

	"github.com/thriftchat/thriftchat/services/web/internal/chat"
	"github.com/thriftchat/thriftchat/services/web/internal/session"
)

func (a *API) postSend(w http.ResponseWriter, r *http.Request, s *session.Session) {
	var req struct {
		To          int64  `json:"to"`
		Text        string `json:"text"`
		ClientMsgID string `json:"clientMsgId"`
	}
	if !decode(w, r, &req) {
		return
	}
	m, err := a.chat.Send(r.Context(), s.User, req.To, req.Text, req.ClientMsgID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Message chat.WireMessage `json:"message"`
	}{chat.Wire(m)})
}

func (a *API) postTyping(w http.ResponseWriter, r *http.Request, s *session.Session) {
	var req struct {
		To     int64 `json:"to"`
		Typing bool  `json:"typing"`
	}
	if !decode(w, r, &req) {
		return
	}
	if err := a.chat.Typing(r.Context(), s.User, req.To, req.Typing); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ok)
}

func (a *API) postRead(w http.ResponseWriter, r *http.Request, s *session.Session) {
	var req struct {
		Peer int64 `json:"peer"`
		Seq  int64 `json:"seq"`
	}
	if !decode(w, r, &req) {
		return
	}
	if err := a.chat.MarkRead(r.Context(), s.User, req.Peer, req.Seq); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ok)
}

func (a *API) getBuddies(w http.ResponseWriter, r *http.Request, s *session.Session) {
	since, err := queryInt(r.URL.Query(), "since", 0)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), "since")
		return
	}
	b, err := a.chat.Buddies(r.Context(), s.User, since)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, buddyList(b))
}

func (a *API) getHistory(w http.ResponseWriter, r *http.Request, s *session.Session) {
	q, field, err := parseHistory(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), field)
		return
	}
	p, err := a.chat.History(r.Context(), s.User, q.peer, q.before, q.after, q.limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page(p))
}

func (a *API) getSince(w http.ResponseWriter, r *http.Request, s *session.Session) {
	q := r.URL.Query()
	since, err := queryInt(q, "since", 0)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), "since")
		return
	}
	limit, err := queryInt(q, "limit", 50)
	if err != nil || int64(int32(limit)) != limit {
		writeError(w, http.StatusBadRequest, "limit is not a small integer", "limit")
		return
	}
	msgs, more, err := a.chat.Since(r.Context(), s.User, time.UnixMilli(since), int(limit))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sinceJSON{Messages: chat.WireAll(msgs), More: more})
}

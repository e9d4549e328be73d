package longpoll

import (
	"errors"
	"net/http"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
)

// pollRequest is a poll as both the net/http path and the fast path see it.
type pollRequest struct {
	path, query, authorization, origin string
	body                               bool
}

// admission is the outcome of checking a poll before its mailbox is asked:
// either a refusal to write (status and body), or the user and cursor to
// poll with.
type admission struct {
	ok     bool
	status int
	body   []byte
	origin string // the allowed origin to echo; "" for none
	user   int64
	cur    queue.Cursor
}

// admit checks a GET poll: path, origin, body, parameters, token, user,
// draining. The refusal's body is appended to b.
func (s *Server) admit(b []byte, r pollRequest) admission {
	origin, ok := s.allowOrigin(r.origin)
	if !ok {
		return refuse(b, "", http.StatusForbidden, "forbidden", "origin not allowed")
	}
	if r.path != "/poll" {
		return refuse(b, origin, http.StatusNotFound, "error", "not found")
	}
	if r.body {
		return refuse(b, origin, http.StatusBadRequest, "error", "a poll has no body")
	}
	req, err := parseRequest(r.query, r.authorization)
	if errors.Is(err, errNoToken) {
		return refuse(b, origin, http.StatusUnauthorized, "unauthorized", err.Error())
	}
	if err != nil {
		return refuse(b, origin, http.StatusBadRequest, "error", err.Error())
	}
	user, err := s.signer.Verify(req.token, s.now())
	if err != nil {
		return refuse(b, origin, http.StatusUnauthorized, "unauthorized", err.Error())
	}
	if req.user != 0 && req.user != user {
		return refuse(b, origin, http.StatusForbidden, "forbidden", "another user's channel")
	}
	if s.draining.Load() {
		return refuse(b, origin, http.StatusServiceUnavailable, "error", errDraining.Error())
	}
	return admission{ok: true, origin: origin, user: user, cur: queue.Cursor{Epoch: req.epoch, Seq: req.seq, Idle: req.idle}}
}

func refuse(b []byte, origin string, status int, typ, msg string) admission {
	return admission{status: status, body: appendError(b, typ, msg), origin: origin}
}

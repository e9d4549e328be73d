package longpoll

import (
	"errors"
	"net/http"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
)

// ServeHTTP routes /poll: GET polls, OPTIONS is the CORS preflight.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/poll" {
		s.writeHTTP(w, "", http.StatusNotFound, appendError(nil, "error", "not found"))
		return
	}
	origin, ok := s.allowOrigin(r.Header.Get("Origin"))
	if !ok {
		s.writeHTTP(w, "", http.StatusForbidden, appendError(nil, "forbidden", "origin not allowed"))
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.poll(w, r, origin)
	case http.MethodOptions:
		s.preflight(w, origin)
	default:
		w.Header().Set("Allow", "GET, OPTIONS")
		s.writeHTTP(w, origin, http.StatusMethodNotAllowed, appendError(nil, "error", "method not allowed"))
	}
}

func (s *Server) poll(w http.ResponseWriter, r *http.Request, origin string) {
	if r.ContentLength != 0 || len(r.TransferEncoding) > 0 {
		s.writeHTTP(w, origin, http.StatusBadRequest, appendError(nil, "error", "a poll has no body"))
		return
	}
	req, err := parseRequest(r.URL.RawQuery, r.Header.Get("Authorization"))
	if errors.Is(err, errNoToken) {
		s.writeHTTP(w, origin, http.StatusUnauthorized, appendError(nil, "unauthorized", err.Error()))
		return
	}
	if err != nil {
		s.writeHTTP(w, origin, http.StatusBadRequest, appendError(nil, "error", err.Error()))
		return
	}
	user, err := s.signer.Verify(req.token, s.now())
	if err != nil {
		s.writeHTTP(w, origin, http.StatusUnauthorized, appendError(nil, "unauthorized", err.Error()))
		return
	}
	if req.user != 0 && req.user != user {
		s.writeHTTP(w, origin, http.StatusForbidden, appendError(nil, "forbidden", "another user's channel"))
		return
	}
	if s.draining.Load() {
		s.writeHTTP(w, origin, http.StatusServiceUnavailable, appendError(nil, "error", "draining: poll again shortly"))
		return
	}
	cur := queue.Cursor{Epoch: req.epoch, Seq: req.seq, Idle: req.idle}
	// Most polls either have news at once or will park; only parking needs
	// the connection hijacked, so answer what can be answered through net/http.
	ans, err := s.shard.Poll(user, cur, nil)
	if err != nil || ans.Kind != queue.Empty {
		status, body := s.render(nil, ans, err)
		s.writeHTTP(w, origin, status, body)
		return
	}
	s.park(w, r, user, cur, origin)
}

// park hijacks the connection and parks the poll on it. Nothing of r or w is
// kept: once this returns, net/http's goroutine, its buffers and the request
// are gone, and the poll is the parked struct alone.
func (s *Server) park(w http.ResponseWriter, r *http.Request, user int64, cur queue.Cursor, origin string) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		s.writeHTTP(w, origin, http.StatusInternalServerError, appendError(nil, "error", "long-poll needs HTTP/1.1"))
		return
	}
	p := &parked{
		s: s, conn: conn, user: user, cur: cur, origin: origin,
		// Bytes already buffered past this request would be lost with the
		// reader, so such a connection is closed after its answer.
		keep: !r.Close && r.ProtoAtLeast(1, 1) && brw.Reader.Buffered() == 0,
	}
	if err := s.lot.add(p); err != nil {
		if !errors.Is(err, errClosed) {
			s.log.Error().Err(err).Msg("cannot park a poll")
		}
		p.endWith(queue.Answer{}, errDraining)
		return
	}
	p.arm(s.holdFor())
	ans, err := s.shard.Poll(user, cur, p)
	if err == nil && ans.Kind == queue.Parked {
		if p.state.Load() == stateDone {
			// Ended (hangup, hold) before the mailbox had it: take it out again.
			s.shard.Unpark(user, p)
		}
		return
	}
	p.endWith(ans, err)
}

// preflight answers a CORS preflight: GET with an Authorization header.
func (s *Server) preflight(w http.ResponseWriter, origin string) {
	h := w.Header()
	h.Set("Allow", "GET, OPTIONS")
	if origin != "" {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Methods", "GET")
		h.Set("Access-Control-Allow-Headers", "Authorization")
		h.Set("Access-Control-Max-Age", "600")
		h.Add("Vary", "Origin")
	}
	w.WriteHeader(http.StatusNoContent)
}

// allowOrigin checks a request's Origin header against the configured web
// origins. No header (same origin, or not a browser) is allowed; a listed
// origin is echoed back; any other is refused, so a foreign page cannot
// even park polls here.
func (s *Server) allowOrigin(origin string) (string, bool) {
	if origin == "" {
		return "", true
	}
	for _, o := range s.origins {
		if o == origin {
			return o, true
		}
	}
	return "", false
}

package longpoll

import (
	"net/http"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
)

// ServeHTTP serves what net/http reads: a connection's first request, and
// any request the fast path (serveWire) leaves to it. GET /poll polls,
// OPTIONS is the CORS preflight.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.poll(w, r)
	case http.MethodOptions:
		origin, ok := s.allowOrigin(r.Header.Get("Origin"))
		if !ok {
			s.writeHTTP(w, "", http.StatusForbidden, appendError(nil, "forbidden", "origin not allowed"))
			return
		}
		s.preflight(w, origin)
	default:
		w.Header().Set("Allow", "GET, OPTIONS")
		s.writeHTTP(w, "", http.StatusMethodNotAllowed, appendError(nil, "error", "method not allowed"))
	}
}

func (s *Server) poll(w http.ResponseWriter, r *http.Request) {
	a := s.admit(nil, pollRequest{
		path: r.URL.Path, query: r.URL.RawQuery, authorization: r.Header.Get("Authorization"),
		origin: r.Header.Get("Origin"), body: r.ContentLength != 0 || len(r.TransferEncoding) > 0,
	})
	if !a.ok {
		s.writeHTTP(w, a.origin, a.status, a.body)
		return
	}
	// Most polls either have news at once or will park; only parking needs
	// the connection hijacked, so answer what can be answered here.
	ans, err := s.shard.Poll(a.user, a.cur, nil)
	if err != nil || ans.Kind != queue.Empty {
		status, body := s.render(nil, ans, err)
		s.writeHTTP(w, a.origin, status, body)
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		s.writeHTTP(w, a.origin, http.StatusInternalServerError, appendError(nil, "error", "long-poll needs HTTP/1.1"))
		return
	}
	// Nothing of r or w is kept past this point: net/http's goroutine, its
	// buffers and the request all go, and the poll is a pconn alone.
	// Bytes buffered past this request would be lost with the reader, so
	// such a connection is closed after its answer.
	keep := !r.Close && r.ProtoAtLeast(1, 1) && brw.Reader.Buffered() == 0
	pc, err := s.adopt(conn)
	if err != nil {
		if err != errClosed {
			s.log.Error().Err(err).Msg("cannot park a poll")
		}
		status, body := s.render(nil, queue.Answer{}, errDraining)
		conn.Write(appendHead(nil, status, len(body), a.origin, true))
		conn.Write(body)
		conn.Close()
		return
	}
	pc.park(a.user, a.cur, a.origin, keep)
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

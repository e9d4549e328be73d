package longpoll

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/channel/internal/shard"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// errDraining: the server is shutting down; the client polls again shortly.
var errDraining = errors.New("draining: poll again shortly")

// render turns a poll's outcome into its status and JSON body (appended to
// b), and counts it.
func (s *Server) render(b []byte, ans queue.Answer, err error) (int, []byte) {
	var no *shard.NotOwnerError
	switch {
	case errors.As(err, &no):
		s.m.Moved.Inc()
		s.m.Polls.WithLabelValues("moved").Inc()
		return http.StatusOK, appendMoved(b, no.Owner.ID, no.Owner.Meta[discovery.MetaPollURL])
	case errors.Is(err, queue.ErrTooManyPollers):
		s.m.Polls.WithLabelValues("too_many").Inc()
		return http.StatusTooManyRequests, appendError(b, "error", "too many polls for this user: "+err.Error())
	case errors.Is(err, queue.ErrBadSeq):
		s.m.Polls.WithLabelValues("bad_request").Inc()
		return http.StatusBadRequest, appendError(b, "error", err.Error())
	case errors.Is(err, errDraining):
		s.m.Polls.WithLabelValues("draining").Inc()
		return http.StatusServiceUnavailable, appendError(b, "error", err.Error())
	case err != nil:
		s.log.Error().Err(err).Msg("poll failed")
		s.m.Polls.WithLabelValues("internal").Inc()
		return http.StatusInternalServerError, appendError(b, "error", "internal error")
	}
	switch ans.Kind {
	case queue.Messages:
		now := time.Now()
		for _, it := range ans.Items {
			s.m.Latency.Observe(now.Sub(it.At).Seconds())
		}
		s.m.Polls.WithLabelValues("messages").Inc()
		return http.StatusOK, appendMessages(b, ans.Epoch, ans.Items)
	case queue.Reset:
		s.m.Resets.Inc()
		s.m.Polls.WithLabelValues("reset").Inc()
		return http.StatusOK, appendCursor(b, "reset", ans.Epoch, ans.Seq)
	}
	s.m.Polls.WithLabelValues("continue").Inc()
	return http.StatusOK, appendCursor(b, "continue", ans.Epoch, ans.Seq)
}

// writeHTTP answers through net/http, with the headers every answer carries.
func (s *Server) writeHTTP(w http.ResponseWriter, origin string, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if origin != "" {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	}
	w.WriteHeader(status)
	w.Write(body)
}

// appendHead writes the status line and headers of a raw answer.
func appendHead(b []byte, status, length int, origin string, closing bool) []byte {
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, http.StatusText(status)...)
	b = append(b, "\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nDate: "...)
	b = time.Now().UTC().AppendFormat(b, http.TimeFormat)
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(length), 10)
	if origin != "" {
		b = append(b, "\r\nAccess-Control-Allow-Origin: "...)
		b = append(b, origin...)
		b = append(b, "\r\nVary: Origin"...)
	}
	if closing {
		b = append(b, "\r\nConnection: close"...)
	}
	return append(b, "\r\n\r\n"...)
}

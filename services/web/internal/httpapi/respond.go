package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/thriftchat/thriftchat/services/web/internal/chat"
)

// errorBody is every error answer of the API.
type errorBody struct {
	Error string `json:"error"`
	// Field names the offending input, for 400s.
	Field string `json:"field,omitempty"`
	// RetryAfterMs is set on 429s, like the Retry-After header but exact.
	RetryAfterMs int64 `json:"retryAfterMs,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	// The encoder's default HTML escaping stays on: harmless to JSON
	// readers, and one more layer should a response ever be sniffed as HTML.
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg, field string) {
	writeJSON(w, status, errorBody{Error: msg, Field: field})
}

var ok = struct {
	OK bool `json:"ok"`
}{true}

// fail maps a domain error to its status; anything unexpected is logged here,
// once, and reaches the browser as an opaque 500.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var inv *chat.InvalidError
	var rl *chat.RateLimitError
	switch {
	case errors.As(err, &inv):
		writeError(w, http.StatusBadRequest, inv.Error(), inv.Field)
	case errors.Is(err, chat.ErrNotFriends):
		writeError(w, http.StatusForbidden, "only friends can chat", "to")
	case errors.As(err, &rl):
		secs := int64((rl.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
		writeJSON(w, http.StatusTooManyRequests, errorBody{
			Error: "too fast; slow down", RetryAfterMs: max(rl.RetryAfter.Milliseconds(), 1),
		})
	case errors.Is(err, chat.ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error(), "")
	case errors.Is(err, chat.ErrUnavailable):
		a.log.Warn().Err(err).Str("path", r.URL.Path).Msg("dependency unavailable")
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "temporarily unavailable; retry shortly", "")
	default:
		a.log.Error().Err(err).Str("path", r.URL.Path).Msg("request failed")
		writeError(w, http.StatusInternalServerError, "internal error", "")
	}
}

// recoverer answers a handler panic with a JSON 500 instead of a dropped
// connection, and logs it once.
func (a *API) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			switch v {
			case nil:
				return
			case http.ErrAbortHandler:
				panic(v) // the proxy's way of cutting a response: let net/http see it
			}
			a.log.Error().Interface("panic", v).Str("path", r.URL.Path).Msg("handler panicked")
			writeError(w, http.StatusInternalServerError, "internal error", "")
		}()
		h.ServeHTTP(w, r)
	})
}

package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"
)

// form guards every POST: a JSON content type (which a cross-site form
// cannot send without a CORS preflight we never grant), a same-origin
// request, and a capped body.
func (a *API) form(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json", "")
			return
		}
		if !a.sameOrigin(r) {
			writeError(w, http.StatusForbidden, "cross-origin request refused", "")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		h.ServeHTTP(w, r)
	})
}

// sameOrigin trusts the browser's own word on where a request came from:
// Sec-Fetch-Site when sent, and the Origin header's host when present.
func (a *API) sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return u.Host == r.Host || (a.ownHost != "" && u.Host == a.ownHost)
}

// decode reads one JSON object into v and answers the client itself when it
// cannot (413 too large, 408 too slow, 400 malformed), reporting whether to
// go on.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	err := decodeBody(r.Body, v)
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	var typ *json.UnmarshalTypeError
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		writeError(w, http.StatusRequestTimeout, "request body too slow", "")
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body over %d bytes", tooBig.Limit), "")
	case errors.Is(err, errNotUTF8):
		writeError(w, http.StatusBadRequest, err.Error(), "")
	case errors.As(err, &typ):
		writeError(w, http.StatusBadRequest, fmt.Sprintf("%s: want a JSON %s", typ.Field, typ.Type), typ.Field)
	default:
		writeError(w, http.StatusBadRequest, "malformed JSON body: "+err.Error(), "")
	}
	return false
}

// errNotUTF8 refuses a body with invalid UTF-8, which encoding/json would
// otherwise turn into U+FFFD without a word: the sender's text would be
// stored altered instead of refused.
var errNotUTF8 = errors.New("body is not valid UTF-8")

// decodeBody reads exactly one JSON value from body into v.
func decodeBody(body io.Reader, v any) error {
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if !utf8.Valid(b) {
		return errNotUTF8
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// queryInt reads an integer query parameter, def when absent.
func queryInt(q url.Values, name string, def int64) (int64, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not an integer", name, s)
	}
	return n, nil
}

// historyQuery is /api/history's parameters.
type historyQuery struct {
	peer, before, after int64
	limit               int
}

// parseHistory reads /api/history's query: peer required, before 0, after
// -1 and limit 50 by default. It returns the offending field on error; the
// domain checks the ranges.
func parseHistory(q url.Values) (historyQuery, string, error) {
	var h historyQuery
	var err error
	if q.Get("peer") == "" {
		return h, "peer", errors.New("peer is required")
	}
	if h.peer, err = queryInt(q, "peer", 0); err != nil {
		return h, "peer", err
	}
	if h.before, err = queryInt(q, "before", 0); err != nil {
		return h, "before", err
	}
	if h.after, err = queryInt(q, "after", -1); err != nil {
		return h, "after", err
	}
	limit, err := queryInt(q, "limit", 50)
	if err != nil || int64(int32(limit)) != limit {
		return h, "limit", fmt.Errorf("limit=%q is not a small integer", q.Get("limit"))
	}
	h.limit = int(limit) // the domain checks the range
	return h, "", nil
}

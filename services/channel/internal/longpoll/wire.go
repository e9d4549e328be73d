package longpoll

import (
	"bytes"
	"errors"
)

// wireRequest is a poll read straight off a kept-alive connection, without
// net/http: the fast path for the common, plain request. Fields alias the
// read buffer.
type wireRequest struct {
	path, query   []byte
	authorization []byte
	origin        []byte
	close         bool // Connection: close
}

// errFallback: the request is not the plain GET /poll the fast path reads
// (a method other than GET, a body, HTTP/1.0, a folded or odd header, more
// than one request, or not all of it in hand). net/http reads it instead.
var errFallback = errors.New("not a plain poll request")

// parseWire reads one complete HTTP/1.1 GET request that fills b exactly.
// It is strict on purpose: anything it does not recognise goes to net/http,
// which knows the whole protocol.
func parseWire(b []byte) (wireRequest, error) {
	var r wireRequest
	if len(b) > maxHeaderBytes {
		return r, errFallback
	}
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 || end+4 != len(b) {
		return r, errFallback // incomplete, or bytes past the request
	}
	lines := b[:end+2]
	line, lines, _ := bytes.Cut(lines, []byte("\r\n"))
	target, ok := bytes.CutPrefix(line, []byte("GET "))
	if !ok {
		return r, errFallback
	}
	target, ok = bytes.CutSuffix(target, []byte(" HTTP/1.1"))
	if !ok || len(target) == 0 || target[0] != '/' {
		return r, errFallback
	}
	for _, c := range target {
		if c <= ' ' || c >= 0x7f || c == '#' {
			return r, errFallback
		}
	}
	r.path, r.query, _ = bytes.Cut(target, []byte("?"))
	var seenAuth, seenOrigin, seenHost bool
	for len(lines) > 0 {
		line, lines, _ = bytes.Cut(lines, []byte("\r\n"))
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 || !isToken(name) {
			return r, errFallback
		}
		value = bytes.Trim(value, " \t")
		for _, c := range value {
			if (c < ' ' && c != '\t') || c == 0x7f {
				return r, errFallback
			}
		}
		switch {
		case bytes.EqualFold(name, []byte("Authorization")):
			if seenAuth {
				return r, errFallback
			}
			seenAuth, r.authorization = true, value
		case bytes.EqualFold(name, []byte("Origin")):
			if seenOrigin {
				return r, errFallback
			}
			seenOrigin, r.origin = true, value
		case bytes.EqualFold(name, []byte("Host")):
			if seenHost {
				return r, errFallback
			}
			seenHost = true
		case bytes.EqualFold(name, []byte("Connection")):
			switch {
			case bytes.EqualFold(value, []byte("close")):
				r.close = true
			case !bytes.EqualFold(value, []byte("keep-alive")):
				return r, errFallback // upgrades and the like
			}
		case bytes.EqualFold(name, []byte("Content-Length")), bytes.EqualFold(name, []byte("Transfer-Encoding")),
			bytes.EqualFold(name, []byte("Expect")), bytes.EqualFold(name, []byte("Upgrade")):
			return r, errFallback
		}
	}
	if !seenHost {
		return r, errFallback // HTTP/1.1 requires it; net/http answers 400
	}
	return r, nil
}

// isToken reports whether b is an RFC 9110 token (a valid header name).
func isToken(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || bytes.IndexByte([]byte(`"(),/:;<=>?@[\]{}`), c) >= 0 {
			return false
		}
	}
	return true
}

package longpoll

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParseWire(t *testing.T) {
	const ok = "GET /poll?epoch=1&seq=2 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\nOrigin: http://o\r\nUser-Agent: x\r\n\r\n"
	r, err := parseWire([]byte(ok))
	if err != nil || string(r.path) != "/poll" || string(r.query) != "epoch=1&seq=2" || string(r.authorization) != "Bearer t" ||
		string(r.origin) != "http://o" || r.close {
		t.Fatalf("plain poll: %+v %v", r, err)
	}
	if r, err := parseWire([]byte("GET /poll HTTP/1.1\r\nhost: h\r\nconnection: Close\r\n\r\n")); err != nil || !r.close || len(r.query) != 0 {
		t.Fatalf("Connection: close: %+v %v", r, err)
	}
	for _, bad := range []string{
		"POST /poll HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /poll HTTP/1.0\r\nHost: h\r\n\r\n",
		"GET /poll HTTP/1.1\r\n\r\n",                                      // no Host
		"GET /poll HTTP/1.1\r\nHost: h\r\n",                               // incomplete
		"GET /poll HTTP/1.1\r\nHost: h\r\n\r\nGET /poll HTTP/1.1\r\n\r\n", // pipelined
		"GET /poll HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
		"GET /poll HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
		"GET /poll HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\n\r\n",
		"GET /poll HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",
		"GET /poll HTTP/1.1\r\nHost: h\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n",
		"GET /poll HTTP/1.1\r\nHost: h\r\nHost: h\r\n\r\n",
		"GET /poll HTTP/1.1\r\nHost: h\r\nX: a\x00b\r\n\r\n",
		"GET /po ll HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET poll HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /poll HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n",
		"GET /poll HTTP/1.1\nHost: h\n\n",
		"GET /poll HTTP/1.1\r\nHost: h\r\nX: " + strings.Repeat("a", maxHeaderBytes) + "\r\n\r\n",
	} {
		if _, err := parseWire([]byte(bad)); !errors.Is(err, errFallback) {
			t.Errorf("%q: %v, want a fallback", bad, err)
		}
	}
}

// FuzzParseWire: no input panics, and whatever the fast path takes is one
// whole request with a sane target and no body-framing headers.
func FuzzParseWire(f *testing.F) {
	f.Add([]byte("GET /poll?epoch=1&seq=2 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\n\r\n"))
	f.Add([]byte("GET /poll HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
	f.Add([]byte("GET /poll HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"))
	f.Add([]byte("GET / HTTP/1.1\r\nHost:\r\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := parseWire(in)
		if err != nil {
			return
		}
		if !bytes.HasPrefix(in, []byte("GET /")) || !bytes.HasSuffix(in, []byte("\r\n\r\n")) ||
			bytes.Count(in, []byte("\r\n\r\n")) != 1 || len(in) > maxHeaderBytes {
			t.Fatalf("took %q", in)
		}
		lower := bytes.ToLower(in)
		if bytes.Contains(lower, []byte("\r\ncontent-length:")) || bytes.Contains(lower, []byte("\r\ntransfer-encoding:")) {
			t.Fatalf("took a request with body framing: %q", in)
		}
		if len(r.path) == 0 || r.path[0] != '/' || bytes.ContainsAny(r.path, " \r\n") {
			t.Fatalf("path %q", r.path)
		}
	})
}

package loadgen

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// response is the part of an HTTP/1.1 answer a subscriber needs. The load
// generator parses answers by hand: net/http's client would cost more CPU
// than the servers it measures, on the same two cores.
type response struct {
	status       int
	lastModified string
	etag         string
	close        bool
	body         []byte
}

var errMalformed = errors.New("malformed HTTP response")

// readResponse reads one answer with a Content-Length body (both servers
// measured send one) into r, reusing r.body.
func readResponse(br *bufio.Reader, r *response) error {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return err
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	r.status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	r.lastModified, r.etag, r.close = "", "", false
	length := -1
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			return err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return fmt.Errorf("%w: header %q", errMalformed, line)
		}
		v = bytes.TrimSpace(v)
		switch {
		case bytes.EqualFold(k, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(v)); err != nil {
				return fmt.Errorf("%w: Content-Length %q", errMalformed, v)
			}
		case bytes.EqualFold(k, []byte("Last-Modified")):
			r.lastModified = string(v)
		case bytes.EqualFold(k, []byte("Etag")):
			r.etag = string(v)
		case bytes.EqualFold(k, []byte("Connection")):
			r.close = bytes.EqualFold(v, []byte("close"))
		}
	}
	if length < 0 {
		return fmt.Errorf("%w: no Content-Length", errMalformed)
	}
	if cap(r.body) < length {
		r.body = make([]byte, length)
	}
	r.body = r.body[:length]
	_, err = io.ReadFull(br, r.body)
	return err
}

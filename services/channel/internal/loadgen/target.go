package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
)

// Target is a long-poll server under test.
type Target interface {
	// Name labels the results.
	Name() string
	// pollAddr is where subscribers connect, host:port.
	pollAddr() string
	subscriber(user int64) subscriber
	publisher() (publisher, error)
	// parked counts the polls parked on the server now.
	parked(ctx context.Context) (int, error)
}

// subscriber is one user's long-poll logic: what to ask next, and what an
// answer means.
type subscriber interface {
	// request appends the next poll request to b.
	request(b []byte) []byte
	// answer digests an answer, calling got with each payload in it.
	answer(r *response, got func(payload []byte)) error
}

// publisher delivers payloads on one connection of its own.
type publisher interface {
	// publish delivers payloads[i] to users[i] and counts the refusals.
	publish(ctx context.Context, users []int64, payloads [][]byte) (rejected int, err error)
	close()
}

// scrape GETs url and returns the first submatch of re as an integer.
func scrape(ctx context.Context, url string, re *regexp.Regexp) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	m := re.FindSubmatch(b)
	if m == nil {
		return 0, fmt.Errorf("%s: no %v", url, re)
	}
	f, err := strconv.ParseFloat(string(m[1]), 64)
	return int(f), err
}

// httpConn is one keep-alive HTTP/1.1 connection for publishing.
type httpConn struct {
	c    net.Conn
	br   *bufio.Reader
	req  []byte
	resp response
}

func dialHTTP(addr string) (*httpConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &httpConn{c: c, br: bufio.NewReader(c)}, nil
}

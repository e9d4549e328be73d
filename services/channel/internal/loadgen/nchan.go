package loadgen

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
)

// Nchan is nginx with the nchan module: long-poll subscribers on
// /sub/<user>, publishing by HTTP POST to /pub/<user>, one message each.
type Nchan struct {
	HTTP string // host:port
}

// Name implements Target.
func (n *Nchan) Name() string { return "nchan" }

func (n *Nchan) pollAddr() string { return n.HTTP }

func (n *Nchan) subscriber(user int64) subscriber {
	return &nchanSub{line: fmt.Sprintf("GET /sub/%d HTTP/1.1\r\nHost: %s\r\n", user, n.HTTP)}
}

// nchanSub follows nchan's long-poll cursor: the Last-Modified and Etag of
// the last message, sent back as If-Modified-Since and If-None-Match.
type nchanSub struct {
	line               string
	lastModified, etag string
}

func (s *nchanSub) request(b []byte) []byte {
	b = append(b, s.line...)
	if s.lastModified != "" {
		b = append(b, "If-Modified-Since: "...)
		b = append(b, s.lastModified...)
		b = append(b, "\r\nIf-None-Match: "...)
		b = append(b, s.etag...)
		b = append(b, "\r\n"...)
	}
	return append(b, "\r\n"...)
}

func (s *nchanSub) answer(r *response, got func([]byte)) error {
	switch r.status {
	case 200:
		got(r.body)
		s.lastModified, s.etag = r.lastModified, r.etag
	case 304, 408: // the hold ran out: poll again from the same message
	default:
		return fmt.Errorf("subscriber answered %d: %s", r.status, r.body)
	}
	return nil
}

func (n *Nchan) publisher() (publisher, error) {
	c, err := dialHTTP(n.HTTP)
	if err != nil {
		return nil, err
	}
	return &nchanPub{host: n.HTTP, c: c}, nil
}

type nchanPub struct {
	host string
	c    *httpConn
}

// publish POSTs each message (nchan takes one per request), pipelined: all
// requests of the batch in one write, then the answers in order. That is
// the cheapest way to feed nchan over HTTP, for it and for us. A connection
// the server closes, or that breaks, is dialled again for the next batch.
func (p *nchanPub) publish(ctx context.Context, users []int64, payloads [][]byte) (int, error) {
	if p.c == nil {
		c, err := dialHTTP(p.host)
		if err != nil {
			return len(users), err
		}
		p.c = c
	}
	b := p.c.req[:0]
	for i, u := range users {
		b = append(b, "POST /pub/"...)
		b = strconv.AppendInt(b, u, 10)
		b = append(b, " HTTP/1.1\r\nHost: "...)
		b = append(b, p.host...)
		b = append(b, "\r\nContent-Type: application/json\r\nContent-Length: "...)
		b = strconv.AppendInt(b, int64(len(payloads[i])), 10)
		b = append(b, "\r\n\r\n"...)
		b = append(b, payloads[i]...)
	}
	p.c.req = b
	if _, err := p.c.c.Write(b); err != nil {
		p.reset()
		return len(users), err
	}
	rejected := 0
	for i := range users {
		if err := readResponse(p.c.br, &p.c.resp); err != nil {
			p.reset()
			return rejected + len(users) - i, err
		}
		if s := p.c.resp.status; s != 201 && s != 202 {
			rejected++
		}
		if p.c.resp.close {
			p.reset()
			return rejected + len(users) - i - 1, nil
		}
	}
	return rejected, ctx.Err()
}

func (p *nchanPub) reset() {
	p.c.c.Close()
	p.c = nil
}

func (p *nchanPub) close() {
	if p.c != nil {
		p.c.c.Close()
	}
}

var subscribersStat = regexp.MustCompile(`(?m)^subscribers: (\d+)$`)

func (n *Nchan) parked(ctx context.Context) (int, error) {
	return scrape(ctx, "http://"+n.HTTP+"/nchan_status", subscribersStat)
}

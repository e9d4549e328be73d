package loadgen

import (
	"bufio"
	"context"
	"net"
	"time"
)

// poll runs user's subscriber on one connection from src until ctx ends,
// reconnecting if the server closes it. ramp limits concurrent connects.
func (g *gen) poll(ctx context.Context, user int64, src net.IP, ramp chan struct{}) {
	sub := g.cfg.Target.subscriber(user)
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: src}, Timeout: 10 * time.Second}
	var req []byte
	var resp response
	for ctx.Err() == nil {
		ramp <- struct{}{}
		c, err := d.DialContext(ctx, "tcp", g.cfg.Target.pollAddr())
		<-ramp
		if err != nil {
			g.fail(err)
			time.Sleep(100 * time.Millisecond) // back off; the run reports the errors
			continue
		}
		stop := context.AfterFunc(ctx, func() { c.Close() })
		br := bufio.NewReader(c)
		for {
			req = sub.request(req[:0])
			if _, err = c.Write(req); err != nil {
				break
			}
			if err = readResponse(br, &resp); err != nil {
				break
			}
			if err = sub.answer(&resp, g.got); err != nil || resp.close {
				break
			}
		}
		stop()
		c.Close()
		if ctx.Err() == nil {
			g.fail(err)
		}
	}
}

// got records one payload: {"i":<message id>,"t":<sent, unix ns>}.
func (g *gen) got(payload []byte) {
	now := time.Now().UnixNano()
	id, sent, ok := parsePayload(payload)
	if !ok || id < 0 || id >= int64(len(g.seen)) {
		g.fail(errBadPayload{payload})
		return
	}
	if g.seen[id].Add(1) > 1 {
		g.dups.Add(1)
		return
	}
	g.latency[id].Store(now - sent)
	g.received.Add(1)
}

type errBadPayload struct{ p []byte }

func (e errBadPayload) Error() string { return "unexpected payload " + string(e.p) }

// parsePayload reads the two numbers of a payload without a JSON decoder.
func parsePayload(p []byte) (id, sent int64, ok bool) {
	id, rest, ok := number(p, `"i":`)
	if !ok {
		return 0, 0, false
	}
	if sent, _, ok = number(rest, `"t":`); !ok {
		return 0, 0, false
	}
	return id, sent, true
}

func number(p []byte, key string) (int64, []byte, bool) {
	for i := 0; i+len(key) <= len(p); i++ {
		if string(p[i:i+len(key)]) != key {
			continue
		}
		j, n := i+len(key), int64(0)
		start := j
		for ; j < len(p) && p[j] >= '0' && p[j] <= '9'; j++ {
			n = n*10 + int64(p[j]-'0')
		}
		return n, p[j:], j > start
	}
	return 0, nil, false
}

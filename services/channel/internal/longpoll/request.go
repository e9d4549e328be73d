package longpoll

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Bounds of the poll parameters. Epochs and seqs stay below 2^53 so that
// browsers hold them exactly as JavaScript numbers.
const (
	maxCursor = 1<<53 - 1
	maxIdle   = 365 * 24 * time.Hour
	maxQuery  = 1024 // bytes of query string looked at
)

// Errors of parseRequest; errNoToken answers 401, the others 400.
var (
	errNoToken  = errors.New("missing token")
	errBadParam = errors.New("bad poll parameters")
)

// request is a parsed poll: GET /poll?epoch=E&seq=S&idle=I[&user=U][&token=T].
type request struct {
	epoch, seq int64
	idle       time.Duration
	user       int64 // 0 when not given
	token      string
}

// parseRequest reads a poll's query string and Authorization header. epoch
// and seq are required, idle defaults to 0; unknown parameters are ignored
// (cache busters), but a repeated one is refused, since two readers could
// disagree on which copy counts. The token comes from "Authorization:
// Bearer", else from the token parameter.
func parseRequest(rawQuery, authorization string) (request, error) {
	var r request
	if len(rawQuery) > maxQuery {
		return r, fmt.Errorf("%w: query longer than %d bytes", errBadParam, maxQuery)
	}
	var seen [5]bool // epoch, seq, idle, user, token
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		slot := paramSlot(k)
		if slot < 0 {
			continue
		}
		if seen[slot] {
			return r, fmt.Errorf("%w: %s given twice", errBadParam, k)
		}
		seen[slot] = true
		var err error
		switch slot {
		case 0:
			r.epoch, err = number(k, v, maxCursor)
		case 1:
			r.seq, err = number(k, v, maxCursor)
		case 2:
			var s int64
			s, err = number(k, v, int64(maxIdle/time.Second))
			r.idle = time.Duration(s) * time.Second
		case 3:
			r.user, err = number(k, v, maxCursor)
			if err == nil && r.user == 0 {
				err = fmt.Errorf("%w: user must be positive", errBadParam)
			}
		case 4:
			if r.token, err = url.QueryUnescape(v); err != nil {
				err = fmt.Errorf("%w: token: %v", errBadParam, err)
			}
		}
		if err != nil {
			return r, err
		}
	}
	if !seen[0] || !seen[1] {
		return r, fmt.Errorf("%w: epoch and seq are required", errBadParam)
	}
	if scheme, tok, ok := strings.Cut(authorization, " "); ok && strings.EqualFold(scheme, "Bearer") {
		r.token = strings.TrimSpace(tok)
	} else if authorization != "" {
		return r, fmt.Errorf("%w: Authorization must be a Bearer token", errNoToken)
	}
	if r.token == "" {
		return r, errNoToken
	}
	return r, nil
}

// paramSlot numbers the known parameters; -1 for any other.
func paramSlot(k string) int {
	switch k {
	case "epoch":
		return 0
	case "seq":
		return 1
	case "idle":
		return 2
	case "user":
		return 3
	case "token":
		return 4
	}
	return -1
}

// number parses a decimal in [0, limit]: digits only, no sign, at most 16 of them.
func number(name, v string, limit int64) (int64, error) {
	if v == "" || len(v) > 16 || strings.TrimLeft(v, "0123456789") != "" {
		return 0, fmt.Errorf("%w: %s must be a decimal number", errBadParam, name)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > limit {
		return 0, fmt.Errorf("%w: %s must be at most %d", errBadParam, name, limit)
	}
	return n, nil
}

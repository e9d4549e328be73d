package longpoll

import (
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		query, auth string
		want        request
		err         error
	}{
		{query: "epoch=5&seq=7&idle=3", auth: "Bearer tok", want: request{epoch: 5, seq: 7, idle: 3 * time.Second, token: "tok"}},
		{query: "epoch=0&seq=0", auth: "bearer  tok ", want: request{token: "tok"}},
		{query: "epoch=1&seq=2&token=a.b%2Ec", want: request{epoch: 1, seq: 2, token: "a.b.c"}},
		{query: "epoch=1&seq=2&token=q", auth: "Bearer h", want: request{epoch: 1, seq: 2, token: "h"}},
		{query: "_=123&epoch=1&&seq=2&user=9", auth: "Bearer t", want: request{epoch: 1, seq: 2, user: 9, token: "t"}},
		{query: "epoch=9007199254740991&seq=9007199254740991", auth: "Bearer t", want: request{epoch: 1<<53 - 1, seq: 1<<53 - 1, token: "t"}},
		{query: "epoch=9007199254740992&seq=0", auth: "Bearer t", err: errBadParam},
		{query: "epoch=1&seq=0", err: errNoToken},
		{query: "epoch=1&seq=0", auth: "Token t", err: errNoToken},
		{query: "epoch=1&seq=0", auth: "Bearer ", err: errNoToken},
		{query: "epoch=1&seq=+1", auth: "Bearer t", err: errBadParam},
		{query: "epoch=1&seq=", auth: "Bearer t", err: errBadParam},
		{query: "epoch=1&seq", auth: "Bearer t", err: errBadParam},
		{query: "epoch=1&seq=1&epoch=1", auth: "Bearer t", err: errBadParam},
		{query: "epoch=1&seq=1&token=%zz", auth: "Bearer t", err: errBadParam},
	}
	for _, tc := range tests {
		t.Run(tc.query+"|"+tc.auth, func(t *testing.T) {
			got, err := parseRequest(tc.query, tc.auth)
			if tc.err != nil || err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// FuzzParseRequest: no input panics; whatever is accepted is in range and
// survives a round trip through its canonical form.
func FuzzParseRequest(f *testing.F) {
	f.Add("epoch=5&seq=7&idle=3", "Bearer v1.1.2.abc")
	f.Add("epoch=0&seq=0&token=v1.1.2.abc", "")
	f.Add("epoch=1&seq=1&user=1&_=9", "bearer x")
	f.Add("epoch=99999999999999999999&seq=-1", "Bearer x")
	f.Add("seq=1&seq=1", "Basic x")
	f.Add("epoch=%31&seq=0&token=%", "Bearer")
	f.Fuzz(func(t *testing.T, query, auth string) {
		r, err := parseRequest(query, auth)
		if err != nil {
			if !errors.Is(err, errBadParam) && !errors.Is(err, errNoToken) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if r.epoch < 0 || r.epoch > maxCursor || r.seq < 0 || r.seq > maxCursor || r.user < 0 || r.user > maxCursor ||
			r.idle < 0 || r.idle > maxIdle || r.token == "" {
			t.Fatalf("accepted out of range: %+v", r)
		}
		q := fmt.Sprintf("epoch=%d&seq=%d&idle=%d", r.epoch, r.seq, r.idle/time.Second)
		if r.user != 0 {
			q += fmt.Sprintf("&user=%d", r.user)
		}
		back, err := parseRequest(q+"&token="+url.QueryEscape(r.token), "")
		if err != nil || back != r {
			t.Fatalf("round trip of %+v: %+v, %v", r, back, err)
		}
	})
}

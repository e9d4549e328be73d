package session

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/internal/token"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func TestOpenVerify(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	m, err := NewManager(secret, clock)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ttl     time.Duration
		wantErr bool
		wantExp time.Time
	}{
		{0, false, now.Add(DefaultTTL)},
		{time.Minute, false, now.Add(time.Minute)},
		{MaxTTL, false, now.Add(MaxTTL)},
		{MaxTTL + time.Second, true, time.Time{}},
		{-time.Second, true, time.Time{}},
	} {
		s, err := m.Open(7, tc.ttl)
		if tc.wantErr {
			if !errors.Is(err, ErrTTL) {
				t.Errorf("Open(ttl %v) err = %v, want ErrTTL", tc.ttl, err)
			}
			continue
		}
		if err != nil || !s.ExpiresAt.Equal(tc.wantExp) {
			t.Errorf("Open(ttl %v) = %v, %v; want expiry %v", tc.ttl, s.ExpiresAt, err, tc.wantExp)
			continue
		}
		got, err := m.Verify(s.Token)
		if err != nil || got != s {
			t.Errorf("Verify(Open(ttl %v)) = %+v, %v; want %+v", tc.ttl, got, err, s)
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	m, _ := NewManager(secret, func() time.Time { return now })
	other, _ := NewManager([]byte(strings.Repeat("x", 32)), func() time.Time { return now })
	good, _ := m.Open(7, time.Minute)
	forged, _ := other.Open(7, time.Minute)
	later, _ := NewManager(secret, func() time.Time { return now.Add(time.Minute) })
	for name, tc := range map[string]struct {
		m    *Manager
		tok  string
		want error
	}{
		"other secret": {m, forged.Token, token.ErrForged},
		"expired":      {later, good.Token, token.ErrExpired},
		"garbage":      {m, "hello", token.ErrMalformed},
		"empty":        {m, "", token.ErrMalformed},
		"user swapped": {m, strings.Replace(good.Token, "v1.7.", "v1.8.", 1), token.ErrForged},
	} {
		if _, err := tc.m.Verify(tc.tok); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
}

func TestCSRF(t *testing.T) {
	m, _ := NewManager(secret, nil)
	a, _ := m.Open(1, 0)
	b, _ := m.Open(2, 0)
	if !m.CheckCSRF(a.Token, m.CSRF(a.Token)) {
		t.Fatal("a session's own CSRF token must pass")
	}
	for name, csrf := range map[string]string{
		"empty":           "",
		"other session's": m.CSRF(b.Token),
		"the token":       a.Token,
		"truncated":       m.CSRF(a.Token)[:10],
	} {
		if m.CheckCSRF(a.Token, csrf) {
			t.Errorf("%s CSRF token accepted", name)
		}
	}
	if other, _ := NewManager([]byte(strings.Repeat("y", 32)), nil); other.CSRF(a.Token) == m.CSRF(a.Token) {
		t.Fatal("the CSRF token must depend on the server secret")
	}
}

func TestShortSecret(t *testing.T) {
	if _, err := NewManager([]byte("short"), nil); err == nil {
		t.Fatal("a short secret must be refused")
	}
}

// FuzzVerify: no string but one this Manager issued verifies, and what
// verifies names a positive user and a future expiry.
func FuzzVerify(f *testing.F) {
	now := time.Unix(1_700_000_000, 0)
	m, _ := NewManager(secret, func() time.Time { return now })
	good, _ := m.Open(42, time.Hour)
	for _, s := range []string{good.Token, "", "v1.1.2.x", "v1.-1.99999999999.", strings.Repeat(".", 200), good.Token + "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		s, err := m.Verify(tok)
		if err != nil {
			return
		}
		if tok != good.Token && !strings.HasPrefix(tok, "v1.42.") {
			t.Fatalf("%q verified as user %d without being issued", tok, s.User)
		}
		if s.User <= 0 || !s.ExpiresAt.After(now) || s.Token != tok {
			t.Fatalf("%q verified as %+v", tok, s)
		}
	})
}

package token

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var secret = []byte(strings.Repeat("k", MinSecretLen))

func TestVerify(t *testing.T) {
	s, err := NewSigner(secret)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewSigner([]byte(strings.Repeat("x", MinSecretLen)))
	now := time.Unix(1_700_000_000, 0)
	good := s.Issue(42, now.Add(time.Hour))
	cases := []struct {
		name string
		tok  string
		at   time.Time
		user int64
		err  error
	}{
		{"valid", good, now, 42, nil},
		{"expired", good, now.Add(time.Hour), 0, ErrExpired},
		{"other secret", other.Issue(42, now.Add(time.Hour)), now, 0, ErrForged},
		{"user swapped", strings.Replace(good, "v1.42.", "v1.43.", 1), now, 0, ErrForged},
		{"expiry extended", strings.Replace(good, ".1700003600.", ".1900003600.", 1), now, 0, ErrForged},
		{"empty", "", now, 0, ErrMalformed},
		{"no mac", "v1.42.1700003600", now, 0, ErrForged},
		{"huge", strings.Repeat("a", 10_000), now, 0, ErrMalformed},
		{"negative user", s.Issue(-5, now.Add(time.Hour)), now, 0, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			user, err := s.Verify(c.tok, c.at)
			if !errors.Is(err, c.err) || user != c.user {
				t.Fatalf("Verify = %d, %v; want %d, %v", user, err, c.user, c.err)
			}
		})
	}
}

func TestShortSecretRefused(t *testing.T) {
	if _, err := NewSigner([]byte("short")); err == nil {
		t.Fatal("a 5-byte secret was accepted")
	}
}

func FuzzVerify(f *testing.F) {
	s, _ := NewSigner(secret)
	f.Add(s.Issue(1, time.Unix(2e9, 0)))
	f.Add("v1..")
	f.Fuzz(func(t *testing.T, tok string) {
		user, err := s.Verify(tok, time.Unix(1e9, 0))
		if err == nil && user <= 0 {
			t.Fatalf("accepted %q for user %d", tok, user)
		}
	})
}

// Package session issues and checks the web tier's sessions: signed bearer
// tokens (the channel tier verifies the same tokens) and the CSRF token bound
// to each of them.
package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/thriftchat/thriftchat/services/internal/token"
)

// Session lifetimes.
const (
	DefaultTTL = 12 * time.Hour
	MaxTTL     = 7 * 24 * time.Hour
)

// ErrTTL: a requested lifetime is negative or longer than MaxTTL.
var ErrTTL = errors.New("session ttl out of range")

// Session is one signed-in user's bearer token.
type Session struct {
	User      int64
	Token     string
	ExpiresAt time.Time
}

// Manager issues and verifies sessions with one secret.
type Manager struct {
	signer  *token.Signer
	csrfKey []byte
	now     func() time.Time
}

// NewManager returns a Manager over secret (at least token.MinSecretLen
// bytes). A nil clock means time.Now.
func NewManager(secret []byte, now func() time.Time) (*Manager, error) {
	s, err := token.NewSigner(secret)
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	// A key of its own for CSRF tokens, derived from the secret, so a CSRF
	// token can never double as a session token's signature.
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("thriftchat csrf key"))
	return &Manager{signer: s, csrfKey: mac.Sum(nil), now: now}, nil
}

// Open issues a session for user lasting ttl (0 means DefaultTTL).
func (m *Manager) Open(user int64, ttl time.Duration) (Session, error) {
	if ttl == 0 {
		ttl = DefaultTTL
	}
	if ttl < 0 || ttl > MaxTTL {
		return Session{}, fmt.Errorf("ttl %v, want 0 to %v: %w", ttl, MaxTTL, ErrTTL)
	}
	exp := m.now().Add(ttl).Truncate(time.Second)
	return Session{User: user, Token: m.signer.Issue(user, exp), ExpiresAt: exp}, nil
}

// Verify checks tok and returns its session; errors are token.ErrMalformed,
// ErrForged or ErrExpired.
func (m *Manager) Verify(tok string) (Session, error) {
	user, err := m.signer.Verify(tok, m.now())
	if err != nil {
		return Session{}, err
	}
	return Session{User: user, Token: tok, ExpiresAt: expiry(tok)}, nil
}

// expiry reads the expiry field of a token Verify accepted
// ("v1.<user>.<expiry>.<mac>"); the token package keeps it to itself.
func expiry(tok string) time.Time {
	parts := strings.Split(tok, ".")
	if len(parts) != 4 {
		return time.Time{}
	}
	sec, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(sec, 0)
}

// CSRF is the anti-forgery token for a session token: a page that read it
// from /api/boot proves it runs on our origin.
func (m *Manager) CSRF(tok string) string {
	mac := hmac.New(sha256.New, m.csrfKey)
	mac.Write([]byte(tok))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CheckCSRF reports whether csrf belongs to tok, in constant time.
func (m *Manager) CheckCSRF(tok, csrf string) bool {
	return csrf != "" && hmac.Equal([]byte(csrf), []byte(m.CSRF(tok)))
}

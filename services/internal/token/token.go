// Package token issues and verifies the bearer tokens that bind a browser to
// one user: the web tier signs them, the channel service checks them, both
// with the same shared secret. A token is "v1.<user>.<expiry>.<mac>" where mac
// is HMAC-SHA256 over "v1.<user>.<expiry>", base64url without padding.
package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MinSecretLen is the shortest secret accepted: 32 bytes, HMAC-SHA256's own size.
const MinSecretLen = 32

// maxLen bounds what Verify will look at, so a huge header costs nothing.
const maxLen = 128

// Errors Verify returns; callers answer 401 for all of them.
var (
	ErrMalformed = errors.New("token malformed")
	ErrForged    = errors.New("token signature invalid")
	ErrExpired   = errors.New("token expired")
)

// Signer issues and verifies tokens with one secret.
type Signer struct{ secret []byte }

// NewSigner returns a Signer; the secret must be at least MinSecretLen bytes.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("token secret is %d bytes, need at least %d", len(secret), MinSecretLen)
	}
	return &Signer{secret: append([]byte(nil), secret...)}, nil
}

// Issue returns a token for user valid until expires.
func (s *Signer) Issue(user int64, expires time.Time) string {
	body := "v1." + strconv.FormatInt(user, 10) + "." + strconv.FormatInt(expires.Unix(), 10)
	return body + "." + s.mac(body)
}

// Verify checks tok at time now and returns its user.
func (s *Signer) Verify(tok string, now time.Time) (int64, error) {
	if len(tok) > maxLen {
		return 0, ErrMalformed
	}
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return 0, ErrMalformed
	}
	body, mac := tok[:i], tok[i+1:]
	// Check the signature before trusting any field of the body.
	if !hmac.Equal([]byte(mac), []byte(s.mac(body))) {
		return 0, ErrForged
	}
	parts := strings.Split(body, ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return 0, ErrMalformed
	}
	user, err1 := strconv.ParseInt(parts[1], 10, 64)
	exp, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || user <= 0 {
		return 0, ErrMalformed
	}
	if now.Unix() >= exp {
		return 0, ErrExpired
	}
	return user, nil
}

func (s *Signer) mac(body string) string {
	h := hmac.New(sha256.New, s.secret)
	h.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

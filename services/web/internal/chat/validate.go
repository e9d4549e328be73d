package chat

import "unicode/utf8"

// Input bounds, as the IDL and the HTTP API document them.
const (
	// MaxTextBytes bounds a message's text.
	MaxTextBytes = 4000
	// MaxClientID bounds a message's clientMsgId.
	MaxClientID = 64
	// MaxNameBytes bounds a user's display name.
	MaxNameBytes = 64
	// MaxPresence bounds one presence read.
	MaxPresence = 1000
	// MaxHistory, MaxRecent and MaxSince bound the page sizes of history,
	// recent conversations and gap fills.
	MaxHistory = 200
	MaxRecent  = 100
	MaxSince   = 1000
	// defaultLimit is the page size when none is asked for.
	defaultLimit = 50
)

// checkText accepts 1 to MaxTextBytes of valid UTF-8 with no control
// characters but tab, newline and carriage return. Besides being noise in a
// chat, control characters each escape to six bytes of JSON: refusing them
// keeps the largest message's payload well under the channel's 16 KiB.
func checkText(field, s string, maxBytes int) error {
	switch {
	case len(s) == 0:
		return invalid(field, "empty")
	case len(s) > maxBytes:
		return invalid(field, "%d bytes, at most %d", len(s), maxBytes)
	case !utf8.ValidString(s):
		return invalid(field, "not valid UTF-8")
	}
	for _, r := range s {
		if r == '\t' || r == '\n' || r == '\r' {
			continue
		}
		if r < 0x20 || r == 0x7f {
			return invalid(field, "control character %U", r)
		}
	}
	return nil
}

// checkLine is checkText for one-line strings (names, ids): no line breaks.
func checkLine(field, s string, maxBytes int) error {
	if err := checkText(field, s, maxBytes); err != nil {
		return err
	}
	for _, r := range s {
		if r < 0x20 {
			return invalid(field, "control character %U", r)
		}
	}
	return nil
}

func checkUser(field string, id int64) error {
	if id <= 0 {
		return invalid(field, "user id %d, must be positive", id)
	}
	return nil
}

// checkPeer checks a conversation partner of user.
func checkPeer(field string, user, peer int64) error {
	if err := checkUser(field, peer); err != nil {
		return err
	}
	if peer == user {
		return invalid(field, "cannot chat with oneself")
	}
	return nil
}

// checkLimit defaults 0 and bounds the rest to 1..maxLimit.
func checkLimit(limit, maxLimit int) (int, error) {
	switch {
	case limit == 0:
		return min(defaultLimit, maxLimit), nil
	case limit < 0 || limit > maxLimit:
		return 0, invalid("limit", "%d, want 1 to %d", limit, maxLimit)
	}
	return limit, nil
}

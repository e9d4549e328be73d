package convlog

import (
	"strconv"
	"strings"
)

// Conv identifies a conversation. Direct conversations have the id
// "d:<low>:<high>" with the two user ids in ascending order; other prefixes
// are reserved for group rooms, which will carry their members elsewhere.
type Conv struct {
	ID string
	// Low and High are the members of a direct conversation, Low < High.
	Low, High int64
}

// Direct is the conversation between users a and b, in either order.
func Direct(a, b int64) Conv {
	if a > b {
		a, b = b, a
	}
	return Conv{ID: "d:" + strconv.FormatInt(a, 10) + ":" + strconv.FormatInt(b, 10), Low: a, High: b}
}

// ParseConv reads a conversation id. Only the canonical spelling of a direct
// conversation is accepted (no signs, no leading zeros, low < high, both
// positive), so one conversation never has two ids.
func ParseConv(id string) (Conv, error) {
	rest, ok := strings.CutPrefix(id, "d:")
	if !ok {
		return Conv{}, invalid("conversation", "unknown kind of conversation id %q", clip(id))
	}
	lo, hi, ok := strings.Cut(rest, ":")
	a, errA := parseUser(lo)
	b, errB := parseUser(hi)
	if !ok || errA != nil || errB != nil || a >= b {
		return Conv{}, invalid("conversation", "%q is not d:<low>:<high> with positive ids, low < high", clip(id))
	}
	return Conv{ID: id, Low: a, High: b}, nil
}

// parseUser reads a canonical positive decimal id.
func parseUser(s string) (int64, error) {
	if s == "" || s[0] < '1' || s[0] > '9' {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(s, 10, 64)
}

// Has reports whether user takes part in the conversation.
func (c Conv) Has(user int64) bool { return user == c.Low || user == c.High }

// Peer is the other member of the conversation for member user.
func (c Conv) Peer(user int64) int64 {
	if user == c.Low {
		return c.High
	}
	return c.Low
}

// clip shortens untrusted input quoted back in an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

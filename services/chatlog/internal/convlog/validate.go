package convlog

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on what callers may ask for.
const (
	MaxText        = 4000 // bytes of one message's text
	MaxClientMsgID = 64   // bytes of a client message id
	MaxBatch       = 500  // messages in one AppendBatch
	MaxHistory     = 200  // messages in one history page
	MaxRecent      = 100  // conversations in one Recent answer
	MaxSince       = 1000 // messages in one Since answer
)

// ErrInvalid is matched (errors.Is) by every InvalidError.
var ErrInvalid = errors.New("invalid input")

// InvalidError says which field of a request is wrong and why. Retrying the
// same request fails the same way.
type InvalidError struct {
	Field  string
	Reason string
}

func (e *InvalidError) Error() string { return e.Field + ": " + e.Reason }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(field, format string, args ...any) *InvalidError {
	return &InvalidError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Check validates a draft. Text is plain text stored exactly as given, so HTML
// is accepted (escaping is the renderer's job), but it must be valid UTF-8
// (every Thrift client decodes strings as UTF-8) and free of NUL, which no
// chat text needs and which truncates strings in C-based consumers. A client
// message id must be valid UTF-8 without control characters: it shows up in
// logs and keys.
func (d Draft) Check() error {
	switch {
	case d.Sender <= 0:
		return invalid("sender", "must be a positive user id")
	case d.Recipient <= 0:
		return invalid("recipient", "must be a positive user id")
	case d.Sender == d.Recipient:
		return invalid("recipient", "must differ from the sender")
	case d.Text == "":
		return invalid("text", "is empty")
	case len(d.Text) > MaxText:
		return invalid("text", "is %d bytes; at most %d", len(d.Text), MaxText)
	case !utf8.ValidString(d.Text):
		return invalid("text", "is not valid UTF-8")
	case strings.IndexByte(d.Text, 0) >= 0:
		return invalid("text", "contains NUL")
	case d.ClientMsgID == "":
		return invalid("clientMsgId", "is empty")
	case len(d.ClientMsgID) > MaxClientMsgID:
		return invalid("clientMsgId", "is %d bytes; at most %d", len(d.ClientMsgID), MaxClientMsgID)
	case !utf8.ValidString(d.ClientMsgID) || strings.IndexFunc(d.ClientMsgID, unicode.IsControl) >= 0:
		return invalid("clientMsgId", "must be valid UTF-8 without control characters")
	}
	return nil
}

// CheckBatch validates the drafts of one append: at most MaxBatch, each
// valid. In a batch of several, the field of the error says which draft, as
// in "requests[3].text".
func CheckBatch(drafts []Draft) error {
	if len(drafts) > MaxBatch {
		return invalid("requests", "%d messages; at most %d in one batch", len(drafts), MaxBatch)
	}
	for i, d := range drafts {
		err := d.Check()
		var ie *InvalidError
		if errors.As(err, &ie) && len(drafts) > 1 {
			ie.Field = fmt.Sprintf("requests[%d].%s", i, ie.Field)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Check validates a history cursor. A negative Before, or After below -1,
// is an unknown cursor.
func (c Cursor) Check() error {
	switch {
	case c.Before < 0:
		return invalid("beforeSeq", "is %d; want 0 (none) or a seq", c.Before)
	case c.Before == 0 && c.After < -1:
		return invalid("afterSeq", "is %d; want -1 (newest page) or a seq", c.After)
	}
	return checkLimit(c.Limit, MaxHistory)
}

func checkUser(field string, user int64) error {
	if user <= 0 {
		return invalid(field, "must be a positive user id")
	}
	return nil
}

func checkLimit(limit, most int) error {
	if limit < 1 || limit > most {
		return invalid("limit", "is %d; want 1 to %d", limit, most)
	}
	return nil
}

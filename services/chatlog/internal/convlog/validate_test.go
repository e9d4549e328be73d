package convlog

import (
	"errors"
	"strings"
	"testing"
)

func TestDraftCheck(t *testing.T) {
	ok := Draft{Sender: 1, Recipient: 2, Text: "hi", ClientMsgID: "c"}
	with := func(f func(*Draft)) Draft { d := ok; f(&d); return d }
	tests := []struct {
		name  string
		d     Draft
		field string // "" when valid
	}{
		{"valid", ok, ""},
		{"HTML is text", with(func(d *Draft) { d.Text = "<script>alert(1)</script>" }), ""},
		{"longest text", with(func(d *Draft) { d.Text = strings.Repeat("é", MaxText/2) }), ""},
		{"longest id", with(func(d *Draft) { d.ClientMsgID = strings.Repeat("x", MaxClientMsgID) }), ""},
		{"unicode id", with(func(d *Draft) { d.ClientMsgID = "ключ-1" }), ""},
		{"tabs and newlines", with(func(d *Draft) { d.Text = "a\tb\r\nc" }), ""},
		{"no sender", with(func(d *Draft) { d.Sender = 0 }), "sender"},
		{"negative recipient", with(func(d *Draft) { d.Recipient = -2 }), "recipient"},
		{"to oneself", with(func(d *Draft) { d.Recipient = 1 }), "recipient"},
		{"empty text", with(func(d *Draft) { d.Text = "" }), "text"},
		{"oversize text", with(func(d *Draft) { d.Text = strings.Repeat("a", MaxText+1) }), "text"},
		{"invalid UTF-8", with(func(d *Draft) { d.Text = "a\xffb" }), "text"},
		{"cut rune", with(func(d *Draft) { d.Text = "\xc3" }), "text"},
		{"NUL", with(func(d *Draft) { d.Text = "a\x00b" }), "text"},
		{"empty id", with(func(d *Draft) { d.ClientMsgID = "" }), "clientMsgId"},
		{"oversize id", with(func(d *Draft) { d.ClientMsgID = strings.Repeat("x", MaxClientMsgID+1) }), "clientMsgId"},
		{"id with newline", with(func(d *Draft) { d.ClientMsgID = "a\nb" }), "clientMsgId"},
		{"id not UTF-8", with(func(d *Draft) { d.ClientMsgID = "\xff" }), "clientMsgId"},
	}
	for _, tt := range tests {
		err := tt.d.Check()
		var ie *InvalidError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: Check = %v; want valid", tt.name, err)
		case tt.field != "" && (!errors.As(err, &ie) || ie.Field != tt.field || !errors.Is(err, ErrInvalid)):
			t.Errorf("%s: Check = %v; want an InvalidError on %s", tt.name, err, tt.field)
		}
	}
}

func TestCursorCheck(t *testing.T) {
	tests := []struct {
		c     Cursor
		field string
	}{
		{Newest(1), ""},
		{Cursor{Before: 5, After: -9, Limit: MaxHistory}, ""}, // after is ignored with before
		{Cursor{After: 0, Limit: 10}, ""},
		{Cursor{Before: -1, Limit: 10}, "beforeSeq"},
		{Cursor{After: -2, Limit: 10}, "afterSeq"},
		{Cursor{After: -1, Limit: 0}, "limit"},
		{Cursor{After: -1, Limit: MaxHistory + 1}, "limit"},
	}
	for _, tt := range tests {
		err := tt.c.Check()
		var ie *InvalidError
		if (tt.field == "") != (err == nil) || err != nil && (!errors.As(err, &ie) || ie.Field != tt.field) {
			t.Errorf("Check(%+v) = %v; want field %q", tt.c, err, tt.field)
		}
	}
}

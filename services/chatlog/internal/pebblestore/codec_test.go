package pebblestore

import (
	"bytes"
	"testing"
	"time"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
)

func FuzzMessageRoundTrip(f *testing.F) {
	f.Add(int64(1), int64(2), int64(1_700_000_000_123), int64(0), int64(1), "id", "cmid", "hello <b>")
	f.Add(int64(1<<62), int64(3), int64(0), int64(7), int64(9), "", "x", "")
	f.Fuzz(func(t *testing.T, sender, recipient, at, low, seq int64, id, cmid, text string) {
		if sender < 0 || recipient < 0 || at < 0 || at > 1<<62 || seq < 0 || low < 0 || low > seq {
			t.Skip("outside what the store writes")
		}
		m := convlog.Message{ID: id, Conv: "d:1:2", Seq: seq, Sender: sender, Recipient: recipient, Text: text,
			SentAt: time.UnixMilli(at), ClientMsgID: cmid}
		got, gotLow, err := decodeMessage("d:1:2", seq, encodeMessage(m, low))
		if err != nil || gotLow != low || !got.SentAt.Equal(m.SentAt) {
			t.Fatalf("round trip of %+v (low %d): %+v low %d, %v", m, low, got, gotLow, err)
		}
		got.SentAt = m.SentAt
		if got != m {
			t.Fatalf("round trip = %+v; want %+v", got, m)
		}
	})
}

// FuzzDecodeMessage feeds arbitrary bytes to the decoder: it may refuse
// them, never panic, and what it accepts must survive a round trip.
func FuzzDecodeMessage(f *testing.F) {
	f.Add(encodeMessage(convlog.Message{ID: "i", Sender: 1, Recipient: 2, Text: "t", ClientMsgID: "c", SentAt: time.UnixMilli(5)}, 1))
	f.Add([]byte{codecV1, 0xff, 0xff})
	f.Add([]byte{2})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, v []byte) {
		m, low, err := decodeMessage("d:1:2", 3, v)
		if err != nil {
			return
		}
		again, againLow, err := decodeMessage("d:1:2", 3, encodeMessage(m, low))
		if err != nil || again != m || againLow != low {
			t.Fatalf("accepted %x as %+v (low %d); its encoding decodes to %+v (low %d), %v", v, m, low, again, againLow, err)
		}
	})
}

func FuzzActivityKey(f *testing.F) {
	f.Add(int64(1), int64(28_333_333), "d:1:2")
	f.Add(int64(1<<62), int64(0), "")
	f.Fuzz(func(t *testing.T, user, minute int64, conv string) {
		gotMinute, gotConv, ok := parseActivityKey(activityKey(user, minute, conv))
		if !ok || gotMinute != minute || gotConv != conv {
			t.Fatalf("activity key round trip (%d, %d, %q) = (%d, %q, %v)", user, minute, conv, gotMinute, gotConv, ok)
		}
	})
}

func FuzzParseKeys(f *testing.F) {
	f.Add(activityKey(1, 2, "d:1:2"))
	f.Add(msgKey("d:1:2", 4))
	f.Add(partKey(9, "d:1:9"))
	f.Add([]byte("a"))
	f.Fuzz(func(t *testing.T, k []byte) {
		// Never panics, whatever the bytes.
		parseActivityKey(k)
		parseMsgSeq(k)
		parsePartKey(k)
		if u := upper(k); u != nil && bytes.Compare(u, k) <= 0 {
			t.Fatalf("upper(%x) = %x, not above it", k, u)
		}
	})
}

func TestUpper(t *testing.T) {
	for _, tc := range []struct{ in, want []byte }{
		{[]byte{1, 2}, []byte{1, 3}},
		{[]byte{1, 0xff}, []byte{2}},
		{[]byte{0xff, 0xff}, nil},
	} {
		if got := upper(tc.in); !bytes.Equal(got, tc.want) {
			t.Errorf("upper(%x) = %x; want %x", tc.in, got, tc.want)
		}
	}
	// Keys of one conversation never reach into another's.
	a, b := msgPrefix("d:1:2"), msgPrefix("d:1:20")
	if bytes.Compare(upper(a), b) > 0 {
		t.Errorf("upper of d:1:2's prefix %x is past d:1:20's %x", upper(a), b)
	}
}

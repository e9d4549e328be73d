package longpoll

import (
	"encoding/json"
	"strconv"

	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
)

// The answers of the poll protocol, always JSON. Payloads are spliced in
// verbatim: the shard only accepts valid JSON objects.

func appendMessages(b []byte, epoch int64, items []queue.Item) []byte {
	b = append(b, `{"type":"messages","epoch":`...)
	b = strconv.AppendInt(b, epoch, 10)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, items[len(items)-1].Seq, 10)
	b = append(b, `,"messages":[`...)
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"seq":`...)
		b = strconv.AppendInt(b, it.Seq, 10)
		b = append(b, `,"payload":`...)
		b = append(b, it.Payload...)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendCursor writes {"type":T,"epoch":E,"seq":S}, for continue and reset.
func appendCursor(b []byte, typ string, epoch, seq int64) []byte {
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, `","epoch":`...)
	b = strconv.AppendInt(b, epoch, 10)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, seq, 10)
	return append(b, '}')
}

func appendMoved(b []byte, owner, url string) []byte {
	b = append(b, `{"type":"moved","owner":`...)
	b = appendString(b, owner)
	b = append(b, `,"url":`...)
	b = appendString(b, url)
	return append(b, '}')
}

// appendError writes {"type":T,"error":MSG}: unauthorized, forbidden, error.
func appendError(b []byte, typ, msg string) []byte {
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, `","error":`...)
	b = appendString(b, msg)
	return append(b, '}')
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

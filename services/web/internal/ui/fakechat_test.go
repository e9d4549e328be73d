package ui

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// fakeQueue is one user's channel queue: payloads after a seq cursor,
// under an epoch that changes when the queue is lost.
type fakeQueue struct {
	epoch, seq int64
	items      []fakeItem
	idle       int64         // idle seconds the last poll reported
	wake       chan struct{} // closed (and replaced) when an item arrives
}

type fakeItem struct {
	Seq     int64           `json:"seq"`
	Payload json.RawMessage `json:"payload"`
}

func (f *fakeAPI) queueLocked(user int64) *fakeQueue {
	q := f.queues[user]
	if q == nil {
		q = &fakeQueue{epoch: 1000 + user, wake: make(chan struct{})}
		f.queues[user] = q
	}
	return q
}

func (f *fakeAPI) pushLocked(user int64, payload any) {
	b, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	q := f.queueLocked(user)
	q.seq++
	q.items = append(q.items, fakeItem{Seq: q.seq, Payload: b})
	close(q.wake)
	q.wake = make(chan struct{})
}

// restartQueue loses the user's queue as a channel restart would: a new
// epoch, nothing queued; a held poll answers reset at once.
func (f *fakeAPI) restartQueue(user int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.queueLocked(user)
	q.epoch += 7
	q.items = nil
	close(q.wake)
	q.wake = make(chan struct{})
}

// store appends a message as if sent, without a browser.
func (f *fakeAPI) store(from, to int64, text, clientMsgID string) fakeMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.appendLocked(from, to, text, clientMsgID, true)
}

func (f *fakeAPI) appendLocked(from, to int64, text, clientMsgID string, deliver bool) fakeMsg {
	conv := convID(from, to)
	for _, m := range f.convs[conv] {
		if m.Sender == from && m.ClientMsgID == clientMsgID && clientMsgID != "" {
			return m
		}
	}
	f.clock = max(time.Now().UnixMilli(), f.clock+1)
	m := fakeMsg{ID: "m" + strconv.FormatInt(f.clock, 36), Conversation: conv, Seq: int64(len(f.convs[conv]) + 1),
		Sender: from, Recipient: to, Text: text, SentAtMs: f.clock, ClientMsgID: clientMsgID}
	f.convs[conv] = append(f.convs[conv], m)
	if deliver {
		f.pushLocked(to, map[string]any{"kind": "message", "message": m})
		f.pushLocked(from, map[string]any{"kind": "message", "message": m})
	}
	return m
}

func (f *fakeAPI) send(user int64, body map[string]any) (int, any) {
	to, text, cid := num(body, "to"), str(body, "text"), str(body, "clientMsgId")
	if !f.friends(user, to) {
		return http.StatusForbidden, map[string]string{"error": "not friends"}
	}
	if text == "" || len(text) > 4000 || !utf8.ValidString(text) {
		return http.StatusBadRequest, map[string]string{"error": "text must be 1 to 4000 bytes", "field": "text"}
	}
	if cid == "" || len(cid) > 64 {
		return http.StatusBadRequest, map[string]string{"error": "clientMsgId must be 1 to 64 bytes", "field": "clientMsgId"}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return http.StatusOK, map[string]any{"message": f.appendLocked(user, to, text, cid, true)}
}

func (f *fakeAPI) typing(user int64, body map[string]any) (int, any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	to := num(body, "to")
	f.pushLocked(to, map[string]any{"kind": "typing", "from": user, "to": to, "typing": body["typing"] == true})
	return http.StatusOK, map[string]any{}
}

func (f *fakeAPI) read(user int64, body map[string]any) (int, any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	conv, seq := convID(user, num(body, "peer")), num(body, "seq")
	k := key(user, conv)
	f.reads[k] = max(f.reads[k], seq)
	f.pushLocked(user, map[string]any{"kind": "read", "user": user, "conversation": conv, "seq": seq})
	return http.StatusOK, map[string]any{}
}

func (f *fakeAPI) history(user int64, r *http.Request) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	ms := f.convs[convID(user, qint(r, "peer", 0))]
	before, after, limit := qint(r, "before", 0), qint(r, "after", -1), int(qint(r, "limit", 50))
	lo, hi := 0, len(ms) // the page is ms[lo:hi]
	switch {
	case before > 0:
		hi = min(int(before)-1, len(ms))
		lo = max(0, hi-limit)
	case after >= 0:
		lo = min(int(after), len(ms))
		hi = min(len(ms), lo+limit)
	default:
		lo = max(0, hi-limit)
	}
	page := append([]fakeMsg{}, ms[lo:hi]...)
	return map[string]any{"messages": page, "moreBefore": lo > 0, "moreAfter": hi < len(ms)}
}

func (f *fakeAPI) since(user int64, r *http.Request) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	since, limit := qint(r, "since", 0), int(qint(r, "limit", 100))
	out := []fakeMsg{}
	for _, m := range f.messagesOf(user) {
		if m.SentAtMs > since {
			out = append(out, m)
		}
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return map[string]any{"messages": out, "more": more}
}

// poll is the channel's long-poll: payloads after seq, "continue" after
// the hold, "reset" when the epoch is not the queue's.
func (f *fakeAPI) poll(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	var user int64
	if tok := bearer(r); strings.HasPrefix(tok, "t.") {
		user = f.sessions[tok]
	}
	f.calls = append(f.calls, fakeCall{Method: r.Method, Path: "/poll", Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), User: user, At: time.Now()})
	f.mu.Unlock()
	if reply := f.fault(user, "/poll"); reply != nil {
		reply(w, r)
		return
	}
	if user == 0 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"type": "unauthorized", "error": "token invalid"})
		return
	}
	epoch, seq, idle := qint(r, "epoch", -1), qint(r, "seq", -1), qint(r, "idle", -1)
	if epoch < 0 || seq < 0 || idle < 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"type": "error", "error": "epoch, seq and idle are required"})
		return
	}
	f.mu.Lock()
	f.online[user]++
	f.queueLocked(user).idle = idle
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.online[user]--
		f.lastPoll[user] = time.Now()
		f.mu.Unlock()
	}()
	hold := time.NewTimer(f.hold)
	defer hold.Stop()
	for {
		f.mu.Lock()
		q := f.queueLocked(user)
		var answer map[string]any
		if epoch != q.epoch {
			answer = map[string]any{"type": "reset", "epoch": q.epoch, "seq": q.seq}
		} else {
			// seq acknowledges everything up to it.
			for len(q.items) > 0 && q.items[0].Seq <= seq {
				q.items = q.items[1:]
			}
			if len(q.items) > 0 {
				answer = map[string]any{"type": "messages", "epoch": q.epoch, "seq": q.seq, "messages": slices.Clone(q.items)}
			}
		}
		wake := q.wake
		f.mu.Unlock()
		if answer != nil {
			writeJSON(w, http.StatusOK, answer)
			return
		}
		select {
		case <-wake:
		case <-hold.C:
			writeJSON(w, http.StatusOK, map[string]any{"type": "continue", "epoch": epoch, "seq": seq})
			return
		case <-r.Context().Done():
			return
		}
	}
}

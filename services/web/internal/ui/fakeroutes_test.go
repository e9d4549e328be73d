package ui

import (
	"encoding/json"
	"hash/fnv"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// api routes the fake's JSON API; see the web tier's HTTP API for shapes.
func (f *fakeAPI) api(w http.ResponseWriter, r *http.Request) {
	cookie, _ := r.Cookie("tc_session")
	var body map[string]any
	if r.Method == http.MethodPost {
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&body); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body is not JSON"})
			return
		}
	}
	f.mu.Lock()
	var user int64
	if cookie != nil {
		user = f.sessions[cookie.Value]
	}
	f.calls = append(f.calls, fakeCall{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		CSRF: r.Header.Get("X-CSRF-Token"), User: user, Body: body, At: time.Now()})
	f.mu.Unlock()
	if reply := f.fault(user, r.URL.Path); reply != nil {
		reply(w, r)
		return
	}
	post := map[string]func(int64, map[string]any) (int, any){
		"/api/send": f.send, "/api/typing": f.typing, "/api/read": f.read,
	}
	get := map[string]func(int64, *http.Request) any{
		"/api/boot": f.boot, "/api/buddies": f.buddyAnswer, "/api/history": f.history, "/api/since": f.since,
	}
	switch p := r.URL.Path; {
	case p == "/api/demo/users" && r.Method == http.MethodGet:
		var users []map[string]any
		for id := int64(1); id <= int64(len(demoNames)); id++ {
			users = append(users, map[string]any{"id": id, "name": demoNames[id]})
		}
		writeJSON(w, http.StatusOK, users)
	case p == "/api/demo/login" && r.Method == http.MethodPost:
		f.login(w, num(body, "user"))
	case p == "/api/session" && r.Method == http.MethodPost:
		f.mu.Lock()
		u := f.links[str(body, "token")]
		f.mu.Unlock()
		if u == 0 {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "token invalid"})
			return
		}
		f.login(w, u)
	case p == "/api/logout" && r.Method == http.MethodPost:
		if cookie != nil {
			f.mu.Lock()
			delete(f.sessions, cookie.Value)
			f.mu.Unlock()
		}
		writeJSON(w, http.StatusOK, map[string]any{})
	case user == 0:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "no session"})
	case r.Method == http.MethodPost && post[p] != nil:
		if r.Header.Get("X-CSRF-Token") != csrfOf(cookie.Value) || r.Header.Get("Content-Type") != "application/json" {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "csrf"})
			return
		}
		code, v := post[p](user, body)
		writeJSON(w, code, v)
	case r.Method == http.MethodGet && get[p] != nil:
		writeJSON(w, http.StatusOK, get[p](user, r))
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such endpoint"})
	}
}

func csrfOf(session string) string { return "csrf-" + session }

func (f *fakeAPI) login(w http.ResponseWriter, user int64) {
	if demoNames[user] == "" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such user"})
		return
	}
	s := randomHex()
	f.mu.Lock()
	f.sessions[s] = user
	f.sessions["t."+s] = user // the poll token
	f.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "tc_session", Value: s, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	writeJSON(w, http.StatusOK, map[string]any{"user": map[string]any{"id": user, "name": demoNames[user]}})
}

func (f *fakeAPI) boot(user int64, r *http.Request) any {
	cookie, _ := r.Cookie("tc_session")
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.queueLocked(user)
	return map[string]any{
		"user":  map[string]any{"id": user, "name": demoNames[user]},
		"token": "t." + cookie.Value, "csrf": csrfOf(cookie.Value), "pollUrl": "/poll",
		"epoch": q.epoch, "seq": q.seq, "buddies": f.buddiesLocked(user, 0), "recent": f.recentLocked(user),
	}
}

func (f *fakeAPI) buddyAnswer(user int64, r *http.Request) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.buddiesLocked(user, qint(r, "since", 0))
}

// buddiesLocked is the whole list, or no change when since is current.
// A user is active while a poll of theirs is in flight or ended under 3 s
// ago, idle when the poll said so.
func (f *fakeAPI) buddiesLocked(user, since int64) map[string]any {
	var list []map[string]any
	h := fnv.New64a()
	for id := int64(1); id <= int64(len(demoNames)); id++ {
		if !f.friends(user, id) {
			continue
		}
		state := "offline"
		if f.online[id] > 0 || time.Since(f.lastPoll[id]) < 3*time.Second {
			state = "active"
			if q := f.queues[id]; q != nil && q.idle >= 300 {
				state = "idle"
			}
		}
		h.Write([]byte(demoNames[id] + state))
		list = append(list, map[string]any{"id": id, "name": demoNames[id], "state": state, "lastActiveMs": 0})
	}
	version := int64(h.Sum64()>>12) | 1 // a safe JavaScript integer
	if since == version {
		return map[string]any{"version": version, "full": false, "buddies": []any{}}
	}
	return map[string]any{"version": version, "full": true, "buddies": list}
}

func (f *fakeAPI) recentLocked(user int64) []map[string]any {
	out := []map[string]any{}
	for conv, ms := range f.convs {
		last := ms[len(ms)-1]
		peer := last.Sender + last.Recipient - user
		if last.Sender != user && last.Recipient != user {
			continue
		}
		read := f.reads[key(user, conv)]
		unread := 0
		for _, m := range ms {
			if m.Sender == peer && m.Seq > read {
				unread++
			}
		}
		out = append(out, map[string]any{"conversation": conv, "peer": peer, "peerName": demoNames[peer],
			"last": last, "unread": unread, "readSeq": read})
	}
	return out
}

func key(user int64, conv string) string { return conv + "|" + strconv.FormatInt(user, 10) }

func num(body map[string]any, k string) int64 {
	v, _ := body[k].(float64)
	return int64(v)
}

func str(body map[string]any, k string) string {
	v, _ := body[k].(string)
	return v
}

// messagesOf returns the user's messages in every conversation, by time.
func (f *fakeAPI) messagesOf(user int64) []fakeMsg {
	var out []fakeMsg
	for _, ms := range f.convs {
		for _, m := range ms {
			if m.Sender == user || m.Recipient == user {
				out = append(out, m)
			}
		}
	}
	slices.SortFunc(out, func(a, b fakeMsg) int { return int(a.SentAtMs - b.SentAtMs) })
	return out
}

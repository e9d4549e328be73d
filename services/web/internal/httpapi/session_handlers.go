package httpapi

import (
	"net/http"

	"github.com/thriftchat/thriftchat/services/web/internal/chat"
	"github.com/thriftchat/thriftchat/services/web/internal/session"
)

// signedIn is the answer to a sign-in.
type signedIn struct {
	User        userJSON `json:"user"`
	ExpiresAtMs int64    `json:"expiresAtMs"`
}

// postSession trades a token (from a host application's chat link) for the
// session cookie.
func (a *API) postSession(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Token string `json:"token"`
	}
	if !decode(w, r, &req) {
		return
	}
	s, err := a.sessions.Verify(req.Token)
	if err != nil {
		a.clearCookie(w)
		writeError(w, http.StatusUnauthorized, "token refused: "+err.Error(), "token")
		return
	}
	a.signIn(w, r, s)
}

// postDemoLogin signs in as a demo user (dev mode only).
func (a *API) postDemoLogin(w http.ResponseWriter, r *http.Request) {
	var req struct {
		User int64 `json:"user"`
	}
	if !decode(w, r, &req) {
		return
	}
	if !chat.IsDemoUser(req.User) {
		writeError(w, http.StatusNotFound, "no such demo user", "user")
		return
	}
	s, err := a.sessions.Open(req.User, 0)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.signIn(w, r, s)
}

func (a *API) signIn(w http.ResponseWriter, r *http.Request, s session.Session) {
	u, err := a.chat.User(r.Context(), s.User)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.setCookie(w, s)
	writeJSON(w, http.StatusOK, signedIn{User: userJSON{u.ID, u.Name}, ExpiresAtMs: s.ExpiresAt.UnixMilli()})
}

// postLogout forgets the session cookie. The token itself stays valid until
// it expires (tokens are stateless); the page drops its copy.
func (a *API) postLogout(w http.ResponseWriter, _ *http.Request) {
	a.clearCookie(w)
	writeJSON(w, http.StatusOK, ok)
}

// getDemoUsers lists the demo users for the sign-in picker.
func (a *API) getDemoUsers(w http.ResponseWriter, _ *http.Request) {
	out := make([]userJSON, 0, len(chat.DemoUsers))
	for _, u := range chat.DemoUsers {
		out = append(out, userJSON{u.ID, u.Name})
	}
	writeJSON(w, http.StatusOK, out)
}

// bootJSON is everything a page starts from.
type bootJSON struct {
	User        userJSON           `json:"user"`
	Token       string             `json:"token"`
	ExpiresAtMs int64              `json:"expiresAtMs"`
	CSRF        string             `json:"csrf"`
	PollURL     string             `json:"pollUrl"`
	Epoch       int64              `json:"epoch"`
	Seq         int64              `json:"seq"`
	Buddies     buddyListJSON      `json:"buddies"`
	Recent      []conversationJSON `json:"recent"`
}

func (a *API) getBoot(w http.ResponseWriter, r *http.Request, s *session.Session) {
	b, err := a.chat.Boot(r.Context(), s.User)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, bootJSON{
		User: userJSON{b.User.ID, b.User.Name}, Token: s.Token, ExpiresAtMs: s.ExpiresAt.UnixMilli(),
		CSRF: a.sessions.CSRF(s.Token), PollURL: b.PollURL, Epoch: b.Epoch, Seq: b.Seq,
		Buddies: buddyList(b.Buddies), Recent: conversations(b.Recent),
	})
}

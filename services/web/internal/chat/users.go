package chat

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/thriftchat/thriftchat/services/web/internal/session"
	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

// PutUser creates or renames a user.
func (s *Service) PutUser(ctx context.Context, u store.User) error {
	if err := checkUser("id", u.ID); err != nil {
		return err
	}
	if err := checkLine("name", u.Name, MaxNameBytes); err != nil {
		return err
	}
	return storeErr(s.store.PutUser(ctx, u))
}

// User returns a user; one the store does not know gets a stand-in name, so
// a valid session for a deleted user still works.
func (s *Service) User(ctx context.Context, id int64) (store.User, error) {
	names, err := s.names(ctx, []int64{id})
	if err != nil {
		return store.User{}, err
	}
	return store.User{ID: id, Name: names[id]}, nil
}

// AddFriend makes a and b friends.
func (s *Service) AddFriend(ctx context.Context, a, b int64) error {
	if err := checkUser("a", a); err != nil {
		return err
	}
	if err := checkPeer("b", a, b); err != nil {
		return err
	}
	return storeErr(s.store.AddFriend(ctx, a, b))
}

// RemoveFriend ends the friendship of a and b, if any.
func (s *Service) RemoveFriend(ctx context.Context, a, b int64) error {
	if err := checkUser("a", a); err != nil {
		return err
	}
	if err := checkPeer("b", a, b); err != nil {
		return err
	}
	return storeErr(s.store.RemoveFriend(ctx, a, b))
}

// SetFriends replaces user's whole friend list.
func (s *Service) SetFriends(ctx context.Context, user int64, friends []int64) error {
	if err := checkUser("user", user); err != nil {
		return err
	}
	return storeErr(s.store.SetFriends(ctx, user, friends))
}

// Friends lists user's friends, ascending.
func (s *Service) Friends(ctx context.Context, user int64) ([]int64, error) {
	if err := checkUser("user", user); err != nil {
		return nil, err
	}
	fl, err := s.store.Friends(ctx, user)
	if err != nil {
		return nil, err
	}
	return fl.IDs, nil
}

// Opened is a session with the URLs a browser needs.
type Opened struct {
	session.Session
	// PollURL is where the browser long-polls.
	PollURL string
	// ChatURL opens the chat UI signed in (the token rides in the fragment,
	// which browsers never send to servers or in Referer headers).
	ChatURL string
}

// OpenSession signs in an existing user for ttl (0: the default).
func (s *Service) OpenSession(ctx context.Context, user int64, ttl time.Duration) (Opened, error) {
	if err := checkUser("user", user); err != nil {
		return Opened{}, err
	}
	known, err := s.store.Users(ctx, []int64{user})
	if err != nil {
		return Opened{}, err
	}
	if _, ok := known[user]; !ok {
		return Opened{}, fmt.Errorf("user %d: %w", user, ErrNotFound)
	}
	sess, err := s.sessions.Open(user, ttl)
	if err != nil {
		return Opened{}, invalid("ttlSeconds", "%v", err)
	}
	base := strings.TrimSuffix(s.cfg.PublicURL, "/")
	return Opened{Session: sess, PollURL: s.pollURL(user, base+"/poll"), ChatURL: base + "/#token=" + sess.Token}, nil
}

// pollURL is the owner's own URL when polls go direct and it has one, else
// the web tier's proxy at proxied.
func (s *Service) pollURL(user int64, proxied string) string {
	if s.cfg.DirectPollURL != nil {
		if u := s.cfg.DirectPollURL(user); u != "" {
			return PollEndpoint(u)
		}
	}
	return proxied
}

// PollEndpoint is the poll URL under a channel instance's advertised
// poll_url, a base URL (the channel serves polls at <base>/poll).
func PollEndpoint(base string) string {
	if strings.HasSuffix(base, "/poll") {
		return base
	}
	return strings.TrimSuffix(base, "/") + "/poll"
}

// names returns a display name for each id, standing in for unknown users.
func (s *Service) names(ctx context.Context, ids []int64) (map[int64]string, error) {
	users, err := s.store.Users(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(ids))
	for _, id := range ids {
		if u, ok := users[id]; ok {
			out[id] = u.Name
		} else {
			out[id] = "User " + strconv.FormatInt(id, 10)
		}
	}
	return out, nil
}

// storeErr maps the store's refusals to the domain's.
func storeErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	case errors.Is(err, store.ErrInvalid):
		return &InvalidError{Reason: err.Error()}
	}
	return err
}

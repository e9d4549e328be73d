package chat

import (
	"context"
	"fmt"
	"time"

	"github.com/thriftchat/thriftchat/services/presence/presenceclient"
	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

// Buddy is a friend with presence.
type Buddy struct {
	store.User
	State      presenceclient.State
	LastActive time.Time
}

// BuddyList is a user's friends with presence, or those that changed.
type BuddyList struct {
	// Version goes back as sinceVersion; 0 asks for the full list again.
	Version int64
	// Full: Buddies is the whole list, to replace rather than merge.
	Full    bool
	Buddies []Buddy
}

// Buddies answers user's buddy list as of sinceVersion (≤ 0: full).
//
// Versions are microseconds since the Unix epoch: presence stamps each state
// change that way and the store stamps each friend-list change the same way,
// so one number covers both. A list that changed after sinceVersion (a friend
// added, removed or renamed) is answered in full; otherwise only presence
// changes are. The clocks of the web and presence tiers are assumed to agree
// to well under a poll interval.
//
// When presence cannot answer for some friends, they come back Unknown and
// the version is 0, so the next poll asks for the full list again.
func (s *Service) Buddies(ctx context.Context, user, sinceVersion int64) (BuddyList, error) {
	if err := checkUser("user", user); err != nil {
		return BuddyList{}, err
	}
	fl, err := s.store.Friends(ctx, user)
	if err != nil {
		return BuddyList{}, fmt.Errorf("buddies of %d: %w", user, err)
	}
	full := sinceVersion <= 0 || fl.Version > sinceVersion
	since := sinceVersion
	if full {
		since = 0
	}
	var version int64
	var changed []presenceclient.Presence
	if len(fl.IDs) > 0 {
		version, changed, err = s.presence.Changes(ctx, fl.IDs, since)
	}
	if err != nil {
		s.log.Warn().Err(err).Int64("user", user).Msg("presence unavailable; buddy list states unknown")
		full, version, changed = true, 0, nil
		for _, id := range fl.IDs {
			changed = append(changed, presenceclient.Presence{User: id})
		}
	} else {
		version = max(version, fl.Version, since)
	}
	// A shard that did not answer leaves its users Unknown, and later
	// change-only reads would never correct them (nothing changed since):
	// version 0 makes the next read a full one.
	for _, p := range changed {
		if p.State == presenceclient.Unknown {
			version = 0
			break
		}
	}
	if full {
		s.metrics.buddyPolls.WithLabelValues("full").Inc()
	} else {
		s.metrics.buddyPolls.WithLabelValues("changes").Inc()
	}
	out := BuddyList{Version: version, Full: full, Buddies: make([]Buddy, 0, len(changed))}
	if len(changed) == 0 {
		return out, nil
	}
	ids := make([]int64, len(changed))
	for i, p := range changed {
		ids[i] = p.User
	}
	names, err := s.names(ctx, ids)
	if err != nil {
		return BuddyList{}, fmt.Errorf("buddies of %d: %w", user, err)
	}
	for _, p := range changed {
		out.Buddies = append(out.Buddies, Buddy{
			User: store.User{ID: p.User, Name: names[p.User]}, State: p.State, LastActive: p.LastActive,
		})
	}
	return out, nil
}

// Presence answers the presence of any users, in order.
func (s *Service) Presence(ctx context.Context, users []int64) ([]presenceclient.Presence, error) {
	if len(users) > MaxPresence {
		return nil, invalid("users", "%d users, at most %d", len(users), MaxPresence)
	}
	for _, u := range users {
		if err := checkUser("users", u); err != nil {
			return nil, err
		}
	}
	if len(users) == 0 {
		return []presenceclient.Presence{}, nil
	}
	ps, err := s.presence.Get(ctx, users)
	if err != nil {
		return nil, fmt.Errorf("presence: %w: %w", ErrUnavailable, err)
	}
	return ps, nil
}

package chat

import (
	"context"
	"sync"

	"github.com/thriftchat/thriftchat/services/web/internal/store"
)

// bootRecent is how many recent conversations a page starts with.
const bootRecent = 20

// Boot is everything a chat page starts from.
type Boot struct {
	User store.User
	// PollURL is where the page long-polls: "/poll" (the web tier's proxy)
	// unless polls go direct to an owner that has its own URL.
	PollURL string
	// Epoch and Seq are where the user's queue stands; 0, 0 when the channel
	// tier did not answer (the first poll then answers reset).
	Epoch, Seq int64
	Buddies    BuddyList
	// Recent is empty when the chatlog did not answer; history still loads
	// per conversation later.
	Recent []Conversation
}

// Boot gathers a page's starting state. The three reads go out in parallel
// and each degrades on its own: a page with some state beats no page.
func (s *Service) Boot(ctx context.Context, user int64) (Boot, error) {
	u, err := s.User(ctx, user)
	if err != nil {
		return Boot{}, err
	}
	b := Boot{User: u, PollURL: s.pollURL(user, "/poll"), Recent: []Conversation{}}
	var (
		wg                  sync.WaitGroup
		buddyErr, recentErr error
	)
	// Each goroutine writes only its own fields of b; wg.Wait orders those
	// writes before the reads below.
	wg.Go(func() {
		st, err := s.channel.State(ctx, user)
		if err != nil {
			s.log.Warn().Err(err).Int64("user", user).Msg("channel state unavailable at boot")
			return
		}
		b.Epoch, b.Seq = st.Epoch, st.Seq
		// The owner's own word beats our view of who owns the user.
		if st.PollURL != "" && s.cfg.DirectPollURL != nil {
			b.PollURL = PollEndpoint(st.PollURL)
		}
	})
	wg.Go(func() { b.Buddies, buddyErr = s.Buddies(ctx, user, 0) })
	wg.Go(func() {
		var recent []Conversation
		if recent, recentErr = s.Recent(ctx, user, bootRecent); recentErr == nil {
			b.Recent = recent
		}
	})
	wg.Wait()
	if buddyErr != nil {
		return Boot{}, buddyErr
	}
	if recentErr != nil {
		s.log.Warn().Err(recentErr).Int64("user", user).Msg("recent conversations unavailable at boot")
	}
	return b, nil
}

// Package pollproxy gets a browser's long-poll to the channel instance that
// owns its user. Proxy relays the poll through the web tier, so one published
// port reaches every channel instance (compose); Router hands out the owner's
// own public URL instead where instances advertise one (production).
package pollproxy

import (
	"net/url"
	"slices"

	"github.com/thriftchat/thriftchat/services/channel/channelclient"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
)

// MetaHTTPAddr is the channel instance's internal HTTP address, where the
// proxy sends polls.
const MetaHTTPAddr = channelclient.MetaHTTPAddr

// Router maps users to their channel owners over the current view.
type Router struct {
	// View is the channel tier's current view (a discovery.Resolver's).
	View func() *discovery.View
}

// Owner is the channel instance owning user.
func (r Router) Owner(user int64) (discovery.Instance, bool) {
	return r.View().Owner(discovery.HashUser(user))
}

// PollURL is the public poll URL of user's owner, "" if it has none.
func (r Router) PollURL(user int64) string {
	inst, ok := r.Owner(user)
	if !ok {
		return ""
	}
	return inst.Meta[discovery.MetaPollURL]
}

// Origins are the distinct origins of every instance's public poll URL, for
// the page's CSP connect-src.
func (r Router) Origins() []string {
	var out []string
	for _, inst := range r.View().Instances() {
		u, err := url.Parse(inst.Meta[discovery.MetaPollURL])
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}
		if o := u.Scheme + "://" + u.Host; !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

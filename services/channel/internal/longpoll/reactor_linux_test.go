package longpoll

import (
	"testing"

	"github.com/rs/zerolog"

	"github.com/thriftchat/thriftchat/services/internal/logtest"
)

// TestReactorClosesQuietly: closing the reactor, as every shutdown does,
// logs nothing. It used to log "epoll reactor failed" at error level.
func TestReactorClosesQuietly(t *testing.T) {
	var logs logtest.Buffer
	r, ok, err := newReactor(nil, zerolog.New(&logs)) // no connections: the lot is never asked
	if err != nil || !ok {
		t.Fatalf("newReactor: %v, %v", ok, err)
	}
	r.close()
	if s := logs.String(); s != "" {
		t.Fatalf("close logged: %s", s)
	}
}

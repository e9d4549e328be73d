package pebblestore

import (
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	"github.com/thriftchat/thriftchat/services/chatlog/internal/convlog"
	"github.com/thriftchat/thriftchat/services/chatlog/internal/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestContractOnDisk runs the Store contract against Pebble on a real disk.
func TestContractOnDisk(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock func() time.Time) convlog.Store {
		s, err := Open(Options{Dir: t.TempDir(), Clock: clock, Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestContractOneFsyncPerAppend runs it again without group commit, the
// benchmark's peer, so both modes are known to be correct.
func TestContractOneFsyncPerAppend(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock func() time.Time) convlog.Store {
		s, err := Open(Options{InMemory: true, MaxBatch: 1, Clock: clock, Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

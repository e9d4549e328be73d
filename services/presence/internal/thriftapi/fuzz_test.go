package thriftapi_test

import (
	"context"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"

	commont "github.com/thriftchat/thriftchat/gen-go/common"
	presencet "github.com/thriftchat/thriftchat/gen-go/presence"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/presence/internal/shardtest"
	"github.com/thriftchat/thriftchat/services/presence/internal/table"
	"github.com/thriftchat/thriftchat/services/presence/internal/thriftapi"
)

// FuzzReport feeds the handler arbitrary reports: each is either refused
// with a typed InvalidInput or taken whole, after which every reported user
// reads back online.
func FuzzReport(f *testing.F) {
	f.Add("chan-a", int32(5000), []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0})
	f.Add("", int32(5000), []byte{})
	f.Add("chan-a", int32(-1), []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9})
	f.Add("chan-a", int32(100), []byte{0xff, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0})
	f.Add("chan-a", int32(600000), []byte{0, 0, 0, 0, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0xff})
	f.Add("chan-\x00", int32(5000), []byte{0, 0, 0, 0, 0, 0, 0, 2, 0x7f, 0xff, 0xff, 0xff})
	// One table for every input: what one input reported cannot make another
	// input's users read back offline, so sharing costs no strength.
	tab, err := table.New(shardtest.Config())
	if err != nil {
		f.Fatal(err)
	}
	h := thriftapi.New(tab, nil)
	f.Fuzz(func(t *testing.T, reporter string, intervalMs int32, raw []byte) {
		var batch []*presencet.ReportEntry
		for len(raw) >= 12 {
			batch = append(batch, &presencet.ReportEntry{
				User:        commont.UserId(binary.BigEndian.Uint64(raw)),
				IdleSeconds: int32(binary.BigEndian.Uint32(raw[8:])),
			})
			raw = raw[12:]
		}
		ctx := context.Background()
		n, err := h.Report(ctx, reporter, intervalMs, batch)
		var x *commont.InvalidInput
		switch {
		case errors.As(err, &x):
			if n != 0 || x.Field == "" {
				t.Fatalf("refused with %v, yet n = %d (field %q)", x, n, x.Field)
			}
			return
		case err != nil:
			t.Fatalf("Report: untyped error %v", err)
		case int(n) != len(batch):
			t.Fatalf("Report took %d of %d", n, len(batch))
		}
		ids := make([]commont.UserId, len(batch))
		for i, e := range batch {
			ids[i] = e.User
		}
		got, err := h.MultiGet(ctx, ids)
		if err != nil {
			t.Fatalf("MultiGet of reported users: %v", err)
		}
		for i, p := range got {
			if p.User != ids[i] || p.State == presencet.State_OFFLINE {
				t.Fatalf("reported user %d reads back as %v", ids[i], p)
			}
		}
	})
}

// FuzzProcessor feeds raw bytes to the processor as one framed-less binary
// message, the way the server reads a call: whatever the bytes, it answers
// or refuses, and never panics.
func FuzzProcessor(f *testing.F) {
	for _, seed := range seedCalls(f) {
		f.Add(seed)
	}
	f.Add([]byte{0x80, 0x01, 0x00, 0x01, 0, 0, 0, 6, 'r', 'e', 'p', 'o', 'r', 't', 0, 0, 0, 1, 0x0f, 0, 3, 0x0c, 0x7f, 0xff, 0xff, 0xff})
	f.Add([]byte{})
	tab, err := table.New(shardtest.Config())
	if err != nil {
		f.Fatal(err)
	}
	proc := thriftapi.New(tab, nil).Processor()
	f.Fuzz(func(t *testing.T, msg []byte) {
		cfg := rpc.Config()
		in := thrift.NewTMemoryBufferLen(len(msg))
		in.Write(msg)
		out := thrift.NewTMemoryBuffer()
		proc.Process(context.Background(), thrift.NewTBinaryProtocolConf(in, cfg), thrift.NewTBinaryProtocolConf(out, cfg))
	})
}

// seedCalls encodes one valid call of each method, so the fuzzer starts
// from the real shapes of the protocol.
func seedCalls(f *testing.F) [][]byte {
	cfg := rpc.Config()
	encode := func(name string, args thrift.TStruct) []byte {
		buf := thrift.NewTMemoryBuffer()
		p := thrift.NewTBinaryProtocolConf(buf, cfg)
		ctx := context.Background()
		if err := p.WriteMessageBegin(ctx, name, thrift.CALL, 1); err != nil {
			f.Fatal(err)
		}
		if err := args.Write(ctx, p); err != nil {
			f.Fatal(err)
		}
		p.WriteMessageEnd(ctx)
		p.Flush(ctx)
		return buf.Bytes()
	}
	return [][]byte{
		encode("report", &presencet.PresenceServiceReportArgs{Reporter: "chan-a", IntervalMs: 5000,
			Entries: []*presencet.ReportEntry{{User: 1}, {User: 2, IdleSeconds: 300}}}),
		encode("multiGet", &presencet.PresenceServiceMultiGetArgs{Users: []commont.UserId{1, 2, 3}}),
		encode("changedSince", &presencet.PresenceServiceChangedSinceArgs{Users: []commont.UserId{1}, SinceVersion: 5}),
	}
}

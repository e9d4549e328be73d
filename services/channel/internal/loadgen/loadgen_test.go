package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	channelt "github.com/thriftchat/thriftchat/gen-go/channel"
	"github.com/thriftchat/thriftchat/services/channel/internal/longpoll"
	"github.com/thriftchat/thriftchat/services/channel/internal/metrics"
	"github.com/thriftchat/thriftchat/services/channel/internal/queue"
	"github.com/thriftchat/thriftchat/services/channel/internal/shard"
	"github.com/thriftchat/thriftchat/services/channel/internal/thriftapi"
	"github.com/thriftchat/thriftchat/services/internal/discovery"
	"github.com/thriftchat/thriftchat/services/internal/rpc"
	"github.com/thriftchat/thriftchat/services/internal/token"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestSmoke runs a tiny measurement against an in-process channel service:
// every message must arrive exactly once. The memory and CPU figures are
// this test process's and mean nothing here.
func TestSmoke(t *testing.T) {
	signer, _ := token.NewSigner([]byte("loadgen-smoke-secret-loadgen-smoke"))
	reg := prometheus.NewRegistry()
	var api thriftapi.Handler
	tsrv, err := rpc.Listen("127.0.0.1:0", channelt.NewChannelServiceProcessor(&api), rpc.ServerOptions{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	hub := queue.NewHub(queue.DefaultLimits())
	sh := shard.New(shard.Options{Self: tsrv.Addr().String(), Resolver: discovery.NewStatic(), Hub: hub})
	m := metrics.New(reg, hub)
	api = *thriftapi.New(sh, "", m)
	lp, err := longpoll.Listen("127.0.0.1:0", longpoll.Options{Shard: sh, Signer: signer, Metrics: m, Log: zerolog.Nop(), Hold: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	go tsrv.Serve()
	go lp.Serve()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		lp.Shutdown(ctx)
		tsrv.Shutdown(ctx)
	}()

	target := &Channel{HTTP: lp.Addr().String(), Thrift: tsrv.Addr().String(), Signer: signer}
	parked := &parkedFrom{Channel: target, gauge: reg}
	res, err := Run(context.Background(), Config{Target: parked, PID: os.Getpid(), Users: 20, Messages: 400, Rate: 2000,
		Sources: 2, BatchEvery: time.Millisecond, MaxBatch: 50, Publishers: 2, Ramp: 8, Linger: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 400 || res.Delivered != 400 || res.Lost != 0 || res.Duplicated != 0 || res.Rejected != 0 || res.PollErrors != 0 {
		t.Fatalf("result %+v", res)
	}
	if res.P50ms <= 0 || res.P50ms > res.P99ms || res.P99ms > res.P999ms {
		t.Fatalf("latencies out of order: %+v", res)
	}
}

// parkedFrom reads the parked gauge from the in-process registry instead
// of an admin port.
type parkedFrom struct {
	*Channel
	gauge *prometheus.Registry
}

func (p *parkedFrom) parked(context.Context) (int, error) {
	mfs, err := p.gauge.Gather()
	for _, mf := range mfs {
		if mf.GetName() == "channel_parked_polls" {
			return int(mf.GetMetric()[0].GetGauge().GetValue()), err
		}
	}
	return 0, err
}

func TestParsePayload(t *testing.T) {
	for _, tc := range []struct {
		in       string
		id, sent int64
		ok       bool
	}{
		{`{"i":12,"t":1700000000000000000}`, 12, 1700000000000000000, true},
		{`{"i":0,"t":5}`, 0, 5, true},
		{`{"t":5,"i":1}`, 0, 0, false},
		{`{"i":,"t":5}`, 0, 0, false},
		{`{}`, 0, 0, false},
	} {
		id, sent, ok := parsePayload([]byte(tc.in))
		if id != tc.id || sent != tc.sent || ok != tc.ok {
			t.Errorf("parsePayload(%s) = %d %d %v", tc.in, id, sent, ok)
		}
	}
}

func TestReadResponse(t *testing.T) {
	in := "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nLast-Modified: Sat, 28 Nov 2026 15:49:57 GMT\r\nEtag: 0\r\n\r\n{\"i\":1}" +
		"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
	br := bufio.NewReader(strings.NewReader(in))
	var r response
	if err := readResponse(br, &r); err != nil || r.status != 200 || string(r.body) != `{"i":1}` || r.etag != "0" || r.lastModified == "" || r.close {
		t.Fatalf("first: %+v %v", r, err)
	}
	if err := readResponse(br, &r); err != nil || r.status != 408 || len(r.body) != 0 || !r.close || r.lastModified != "" {
		t.Fatalf("second: %+v %v", r, err)
	}
}

// FuzzReadResponse: no input panics or reads a body past what it declared.
func FuzzReadResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))
	f.Add([]byte("HTTP/1.1 408 x\r\nContent-Length: 0\r\nEtag: 1\r\n\r\n"))
	f.Add([]byte("HTTP/1.0 2xx\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var r response
		if err := readResponse(bufio.NewReader(bytes.NewReader(in)), &r); err == nil && !bytes.HasSuffix(in, r.body) {
			t.Fatalf("body %q is not the end of the input", r.body)
		}
	})
}

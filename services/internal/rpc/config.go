// Package rpc is the Thrift plumbing every service shares: a server with
// limits, panic recovery and metrics, and a pooled client with per-call
// deadlines. The wire is the binary protocol over the framed transport, the
// combination every stock Thrift library (PHP, Python, Java) speaks.
package rpc

import (
	"time"

	"github.com/apache/thrift/lib/go/thrift"
)

// MaxFrameSize bounds one framed message: our largest real request (a batch of
// presence reports or deliveries) fits well within it. A frame announcing
// more is refused before anything is allocated for it.
const MaxFrameSize = 1 << 20

// Config returns the TConfiguration for both ends of a connection.
func Config() *thrift.TConfiguration {
	return &thrift.TConfiguration{
		MaxMessageSize:     MaxFrameSize,
		MaxFrameSize:       MaxFrameSize,
		ConnectTimeout:     2 * time.Second,
		TBinaryStrictRead:  thrift.BoolPtr(false),
		TBinaryStrictWrite: thrift.BoolPtr(true),
	}
}

// protocol stacks the framed transport and binary protocol over a byte stream.
func protocol(t thrift.TTransport, cfg *thrift.TConfiguration) thrift.TProtocol {
	return thrift.NewTBinaryProtocolConf(thrift.NewTFramedTransportConf(t, cfg), cfg)
}

// Package ports holds every default port of thriftchat in one place.
package ports

import (
	"net"
	"strconv"
)

// Thrift ports: what services and host applications call.
const (
	ChannelThrift  = 9101
	PresenceThrift = 9102
	ChatlogThrift  = 9103
	WebThrift      = 9104
)

// HTTP ports: browsers' long-polls and pages.
const (
	ChannelHTTP = 8101
	WebHTTP     = 8080
)

// Admin ports: /healthz, /readyz, /metrics, pprof.
const (
	ChannelAdmin  = 9201
	PresenceAdmin = 9202
	ChatlogAdmin  = 9203
	WebAdmin      = 9204
)

// Consul's HTTP API.
const ConsulHTTP = 8500

// Addr joins host and port; an empty host listens on every address.
func Addr(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }

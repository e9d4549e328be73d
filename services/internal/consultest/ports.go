package consultest

import (
	"fmt"
	"io"
	"net"
	"strconv"
)

// ports are the agent's listening ports on 127.0.0.1; DNS and gRPC are off.
type ports struct{ http, serfLAN, serfWAN, server int }

// freePorts picks four distinct free ports. Serf listens on TCP and UDP, so
// each port must be free on both. The listeners stay open until all are
// picked so that the kernel does not hand out one twice; another process may
// still take one before consul binds it, which Start handles by retrying.
func freePorts() (ports, error) {
	var held []io.Closer
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	var got []int
	for tries := 0; len(got) < 4; tries++ {
		if tries == 100 {
			return ports{}, fmt.Errorf("no free TCP+UDP port pair after %d tries", tries)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return ports{}, fmt.Errorf("pick a free port: %w", err)
		}
		held = append(held, l)
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue // UDP side taken; the TCP listener stays held so it is not picked again
		}
		held = append(held, u)
		got = append(got, port)
	}
	return ports{http: got[0], serfLAN: got[1], serfWAN: got[2], server: got[3]}, nil
}

// args are consul's flags for these ports.
func (p ports) args() []string {
	itoa := strconv.Itoa
	return []string{
		"-http-port", itoa(p.http), "-serf-lan-port", itoa(p.serfLAN),
		"-serf-wan-port", itoa(p.serfWAN), "-server-port", itoa(p.server),
		"-dns-port", "-1", "-grpc-port", "-1", "-grpc-tls-port", "-1",
	}
}

package runtime

import (
	"context"
	"fmt"
	"io"
	"os"
)

// RunFunc composes a service and serves until ctx ends.
type RunFunc func(ctx context.Context, args []string, logOut io.Writer) error

// Main is every binary's main: `<binary> healthcheck` asks the local admin
// port (FROM-scratch images have no curl), anything else runs the service
// until SIGINT or SIGTERM. The process exits here, and only here.
func Main(service string, adminPort int, run RunFunc) {
	if IsHealthcheck(os.Args) {
		os.Exit(Healthcheck(adminPort))
	}
	ctx, stop := SignalContext()
	err := run(ctx, os.Args[1:], os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", service, err)
		os.Exit(1)
	}
}

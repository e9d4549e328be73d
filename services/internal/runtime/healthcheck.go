package runtime

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// Healthcheck runs when a binary is started as `<service> healthcheck`: it
// asks the local admin port's /readyz and returns the exit code. Images are
// FROM scratch, with no curl, so the binary checks itself for Docker.
func Healthcheck(defaultAdminPort int) int {
	addr := os.Getenv(EnvName("admin-addr"))
	if addr == "" {
		addr = fmt.Sprintf(":%d", defaultAdminPort)
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "healthcheck: admin address %q: %v\n", addr, err)
		return 2
	}
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + net.JoinHostPort("127.0.0.1", port) + "/readyz")
	if err != nil {
		fmt.Fprintf(os.Stderr, "healthcheck: %v\n", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(os.Stderr, "healthcheck: /readyz answered %s\n", resp.Status)
		return 1
	}
	return 0
}

// IsHealthcheck reports whether the process was started as a health check.
func IsHealthcheck(args []string) bool { return len(args) > 1 && args[1] == "healthcheck" }

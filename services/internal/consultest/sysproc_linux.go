package consultest

import "syscall"

// sysProcAttr kills the agent if the test binary dies without cleaning up
// (a panic, a timeout), so no orphaned agent keeps its ports.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

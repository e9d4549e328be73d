//go:build !linux

package consultest

import "syscall"

// sysProcAttr has no parent-death signal outside Linux; t.Cleanup stops the
// agent in every orderly exit.
func sysProcAttr() *syscall.SysProcAttr { return nil }

//go:build !linux

package main

import "syscall"

// sysProcAttr: only Linux can tie the server's life to the benchmark's.
func sysProcAttr() *syscall.SysProcAttr { return nil }

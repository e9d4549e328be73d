package main

import "syscall"

// sysProcAttr has the server die with the benchmark, even if the benchmark
// is killed before it can stop the server.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }

package rpc

import (
	"errors"
	"net"
	"syscall"
)

// alive peeks at an idle connection without blocking: a peer that closed it
// (a restarted server) shows EOF, so the pool dials afresh instead of failing
// the caller's call. Nothing may be readable on an idle connection either.
func alive(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return true
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	var perr error
	var buf [1]byte
	err = raw.Read(func(fd uintptr) bool {
		_, _, perr = syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true // never wait: one look is the answer
	})
	if err != nil {
		return false
	}
	return errors.Is(perr, syscall.EAGAIN) || errors.Is(perr, syscall.EWOULDBLOCK)
}

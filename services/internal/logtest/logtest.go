// Package logtest gives tests a log sink they can read back: tests that
// check what a component logs (nothing, on a clean shutdown; one line, on
// an unexpected error) write zerolog into a Buffer.
package logtest

import (
	"bytes"
	"sync"
)

// Buffer is an io.Writer safe for the goroutines of the code under test.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

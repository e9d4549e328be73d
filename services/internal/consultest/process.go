package consultest

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// process is one running consul binary.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once the process has been reaped
	err    error         // Wait's result, valid after exited is closed
}

// launch starts bin with args, its output appended to out.
func launch(bin string, args []string, out *os.File) (*process, error) {
	cmd := exec.Command(bin, args...)
	// An *os.File is handed to the child as is: no copying goroutines.
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	// Owned by the process: it reaps the child, and stop waits for it.
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// stop sends SIGTERM, kills after grace, and returns once the process is
// reaped. The error says whether it had to be killed.
func (p *process) stop(grace time.Duration) error {
	select {
	case <-p.exited:
		return nil
	default:
	}
	// The process may exit between the check and the signal; Wait has then
	// reaped it or will, and the error from Signal is harmless.
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.exited:
		return nil
	case <-t.C:
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	return fmt.Errorf("consul ignored SIGTERM for %s and was killed", grace)
}

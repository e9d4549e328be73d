package stacktest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Proc is one running service process.
type Proc struct {
	Name       string
	ThriftAddr string
	HTTPAddr   string // channel and web only
	AdminAddr  string

	t    testing.TB
	bin  string
	args []string
	log  string
	cmd  *exec.Cmd
	done chan struct{}
}

func (p *Proc) start() {
	p.t.Helper()
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	cmd := exec.Command(p.bin, p.args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		p.t.Fatalf("start %s: %v", p.Name, err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func() { cmd.Wait(); f.Close(); close(p.done) }()
}

// waitReady polls /readyz until it answers 200 or the deadline passes.
func (p *Proc) waitReady(d time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(d)
	for {
		select {
		case <-p.done:
			p.t.Fatalf("%s exited during startup:\n%s", p.Name, p.Logs())
		default:
		}
		resp, err := http.Get("http://" + p.AdminAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s not ready after %v:\n%s", p.Name, d, p.Logs())
		}
		time.Sleep(20 * time.Millisecond) // polling a condition
	}
}

// Stop sends SIGTERM and waits for a graceful exit (SIGKILL after 20 s).
func (p *Proc) Stop() { p.signal(syscall.SIGTERM, 20*time.Second) }

// Kill ends the process with SIGKILL, as a crash would.
func (p *Proc) Kill() { p.signal(syscall.SIGKILL, 10*time.Second) }

// Restart starts the process again with the same flags, ports and data.
func (p *Proc) Restart() {
	p.t.Helper()
	p.start()
	p.waitReady(30 * time.Second)
}

// Running reports whether the process has not exited.
func (p *Proc) Running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

func (p *Proc) signal(sig syscall.Signal, grace time.Duration) {
	if !p.Running() {
		return
	}
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(grace):
		p.cmd.Process.Kill()
		<-p.done
		p.t.Errorf("%s did not exit within %v of %v", p.Name, grace, sig)
	}
}

// Logs returns the tail of the process's output.
func (p *Proc) Logs() string {
	b, _ := os.ReadFile(p.log)
	if len(b) > 8000 {
		b = append([]byte("…"), b[len(b)-8000:]...)
	}
	return string(bytes.TrimSpace(b))
}

// freeAddr finds a free loopback port for a service to bind. It draws from
// below the kernel's ephemeral range (32768 and up on Linux): a port found
// free there cannot be taken meanwhile by an outgoing connection's local
// port or by another test's ":0" listener, the usual causes of collisions.
func freeAddr(t testing.TB) string {
	t.Helper()
	for range 1000 {
		addr := fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(12000))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		ln.Close()
		return addr
	}
	t.Fatal("no free port in 20000-31999")
	return ""
}

func newProc(t testing.TB, dir, bin, name string) *Proc {
	return &Proc{
		Name: name, t: t, bin: filepath.Join(bin, serviceOf(name)),
		ThriftAddr: freeAddr(t), AdminAddr: freeAddr(t),
		log: filepath.Join(dir, name+".log"),
	}
}

func serviceOf(name string) string {
	for i := range name {
		if name[i] >= '0' && name[i] <= '9' {
			return name[:i]
		}
	}
	return name
}

func (p *Proc) String() string { return fmt.Sprintf("%s(%s)", p.Name, p.ThriftAddr) }

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// server is a chatlog child process.
type server struct {
	cmd           *exec.Cmd
	thrift, admin string
	exited        chan struct{}
}

// startServer runs bin on a fresh directory under dataDir with extra flags.
func startServer(bin, dataDir, name string, extra ...string) (*server, error) {
	dir := filepath.Join(dataDir, name)
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	args := append([]string{"-thrift-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-data-dir", dir,
		"-log-format", "json"}, extra...)
	s := &server{cmd: exec.Command(bin, args...), exited: make(chan struct{})}
	s.cmd.SysProcAttr = sysProcAttr()
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	up := make(chan struct{})
	go s.readLog(stderr, up)
	select {
	case <-up:
		return s, nil
	case <-s.exited:
		s.cmd.Wait()
		return nil, fmt.Errorf("%s exited before serving", bin)
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, fmt.Errorf("%s did not serve within 30s", bin)
	}
}

// readLog finds the bound addresses in the server's log and passes on its
// warnings and errors; it reads until the process ends, so the server never
// blocks on a full pipe.
func (s *server) readLog(r io.Reader, up chan struct{}) {
	defer close(s.exited)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var line struct{ Level, Message, Thrift, Admin string }
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			fmt.Fprintln(os.Stderr, "chatlog:", sc.Text()) // not a log line: a panic, say
			continue
		}
		switch {
		case line.Message == "serving":
			s.thrift = line.Thrift
		case line.Message == "started":
			s.admin = line.Admin
			close(up)
		case line.Level == "error" || line.Level == "warn":
			fmt.Fprintln(os.Stderr, "chatlog:", sc.Text())
		}
	}
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd.Wait()
}

// metric reads one unlabelled sample (such as a histogram's _sum) from the
// server's /metrics.
func (s *server) metric(name string) (float64, error) {
	resp, err := http.Get("http://" + s.admin + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			var f float64
			_, err := fmt.Sscan(v, &f)
			return f, err
		}
	}
	return 0, fmt.Errorf("no %s in /metrics", name)
}

// profile saves the server's CPU profile over d to file.
func (s *server) profile(file string, d time.Duration) error {
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", s.admin, max(1, int(d.Seconds()))))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// cpu is the server's user plus system CPU time so far (Linux; 0 elsewhere).
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the parenthesised command name: utime and stime are the
	// 12th and 13th, in clock ticks (100 per second on Linux).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	var utime, stime int64
	if len(f) < 13 {
		return 0
	}
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// selfCPU is this process's user plus system CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

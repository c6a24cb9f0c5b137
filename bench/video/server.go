package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// childServer is `anyhour serve`, built from this module and run as a
// process of its own so that its memory can be read from /proc.
type childServer struct {
	cmd  *exec.Cmd
	base string
	done chan error
	once sync.Once
}

// buildAnyhour builds cmd/anyhour into dir and returns the binary's path.
func buildAnyhour(ctx context.Context, dir string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(dir, "anyhour")
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "github.com/anyhour/anyhour/cmd/anyhour")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/anyhour: %v\n%s", err, out)
	}
	return bin, nil
}

// startServer runs `bin serve` on a free loopback port over dataDir,
// logging to dataDir/serve.log, and waits until it is ready.
func startServer(bin, dataDir string, workers int) (*childServer, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dataDir, "serve.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child keeps its own descriptor
	cmd := exec.Command(bin, "serve", "--listen", addr, "--data-dir", dataDir, "--workers", strconv.Itoa(workers))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &childServer{cmd: cmd, base: "http://" + addr, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	for i := 0; i < 600; i++ {
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("anyhour serve exited: %v (see %s)", err, logFile.Name())
		default:
		}
		if resp, err := http.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("anyhour serve was not ready within 30 s")
}

// stop asks the server to shut down as a service manager would, and
// kills it if it has not within 30 seconds. Calls after the first do
// nothing.
func (s *childServer) stop() {
	s.once.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// memory returns a field of the server's /proc/PID/status in bytes:
// VmRSS (resident now) or VmHWM (the most it was ever resident).
func (s *childServer) memory(field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != field {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		return kb << 10, err
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, s.cmd.Process.Pid)
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

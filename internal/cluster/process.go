// Package cluster runs anyhour as an operator runs it on several machines,
// on this one: `anyhour serve` and `anyhour worker` processes of a binary
// built from this module, configured through their environment as a
// service manager configures them, and HAProxy in front of the serve
// processes with the configuration kept in deploy/haproxy, all on
// loopback ports. The several-node test (package deploy, build tag
// multinode) and the load benchmark (bench/load) use it.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/anyhour/anyhour/internal/testproc"
)

// Build compiles cmd/anyhour into dir and returns the binary's path.
func Build(ctx context.Context, dir string) (string, error) {
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

// FreeAddr returns a 127.0.0.1 address with a free port. Another process
// can take it before it is bound; that is rare enough to fail on.
func FreeAddr() (string, error) { return testproc.FreeAddr() }

// Process is a program started by Start: an anyhour process or HAProxy.
type Process struct {
	Name string
	Log  string // the file its output goes to, appended across restarts

	bin  string
	args []string
	env  []string

	cmd  *exec.Cmd
	done chan struct{}
	mu   sync.Mutex
	err  error // what Wait returned, once done is closed
}

// Start runs bin with args. Its environment is env and nothing else of
// this process's but PATH, HOME and TMPDIR, as under a service manager,
// so that no setting reaches it by accident. Its output is appended to
// logPath. The kernel kills it if the calling process dies.
func Start(name, bin string, args, env []string, logPath string) (*Process, error) {
	p := &Process{Name: name, Log: logPath, bin: bin, args: args, env: env}
	return p, p.start()
}

func (p *Process) start() error {
	log, err := os.OpenFile(p.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer log.Close() // the child has its own descriptor
	fmt.Fprintf(log, "==== %s: %s %s\n", time.Now().Format(time.RFC3339Nano), p.bin, strings.Join(p.args, " "))
	cmd := exec.Command(p.bin, p.args...)
	cmd.Env = baseEnv(p.env)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	testproc.DieWithParent(cmd.SysProcAttr)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	done := make(chan struct{})
	p.mu.Lock()
	p.cmd, p.done, p.err = cmd, done, nil
	p.mu.Unlock()
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(done)
	}()
	return nil
}

func baseEnv(env []string) []string {
	var out []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			out = append(out, k+"="+v)
		}
	}
	return append(out, env...)
}

// Pid is the running process's id.
func (p *Process) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd.Process.Pid
}

// Exited reports whether the process has ended, and how.
func (p *Process) Exited() (bool, error) {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	select {
	case <-done:
		p.mu.Lock()
		defer p.mu.Unlock()
		return true, p.err
	default:
		return false, nil
	}
}

// Kill sends SIGKILL, as the kernel's OOM killer or a power cut would
// end it, and waits until it is gone.
func (p *Process) Kill() {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
}

// Stop asks the process to end as a service manager does (SIGTERM) and
// kills it if it has not ended within grace. Stopping a stopped process
// does nothing.
func (p *Process) Stop(grace time.Duration) {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
	}
}

// Restart starts the process again, with the same arguments and
// environment, after it has ended.
func (p *Process) Restart() error {
	if ok, _ := p.Exited(); !ok {
		return fmt.Errorf("restart %s: it is still running", p.Name)
	}
	return p.start()
}

// Tail returns the last n bytes of the process's log, for a failure
// message.
func (p *Process) Tail(n int64) string {
	b, err := os.ReadFile(p.Log)
	if err != nil {
		return err.Error()
	}
	if int64(len(b)) > n {
		b = b[int64(len(b))-n:]
	}
	return string(b)
}

// WaitHTTP polls url until it answers 200, the process ends, or ctx is
// done.
func (p *Process) WaitHTTP(ctx context.Context, client *http.Client, url string) error {
	if client == nil {
		client = http.DefaultClient
	}
	for {
		if ok, err := p.Exited(); ok {
			return fmt.Errorf("%s exited (%v) before %s answered; its log ends:\n%s", p.Name, err, url, p.Tail(4000))
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %s did not answer 200: %w; its log ends:\n%s", p.Name, url, ctx.Err(), p.Tail(4000))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Node is an anyhour process: `serve` (Addr set) or `worker`.
type Node struct {
	*Process
	Addr string // host:port a serve process listens on; "" for a worker
}

// URL is where a serve process answers directly, without the proxy.
func (n *Node) URL() string { return "http://" + n.Addr }

// StartServe starts `bin serve --no-workers` listening on addr, with the
// settings every process shares in env and a data directory of its own
// under dir (ANYHOUR_DATA_DIR: take-home repositories are kept there, and
// made again from the blob store on a machine that lacks one). It does
// not wait: call Ready.
func StartServe(name, bin, dir, addr string, env []string, extraArgs ...string) (*Node, error) {
	data := filepath.Join(dir, name)
	env = append(append([]string{}, env...), "ANYHOUR_LISTEN="+addr, "ANYHOUR_DATA_DIR="+data)
	args := append([]string{"serve", "--no-workers"}, extraArgs...)
	p, err := Start(name, bin, args, env, filepath.Join(dir, name+".log"))
	if err != nil {
		return nil, err
	}
	return &Node{Process: p, Addr: addr}, nil
}

// StartWorker starts `bin worker` with the shared settings in env.
func StartWorker(name, bin, dir string, env []string) (*Node, error) {
	env = append(append([]string{}, env...), "ANYHOUR_DATA_DIR="+filepath.Join(dir, name))
	p, err := Start(name, bin, []string{"worker"}, env, filepath.Join(dir, name+".log"))
	if err != nil {
		return nil, err
	}
	return &Node{Process: p}, nil
}

// Ready waits until a serve process answers /readyz (its database
// answers), or a worker has said in its log that it runs.
func (n *Node) Ready(ctx context.Context) error {
	if n.Addr != "" {
		return n.WaitHTTP(ctx, nil, n.URL()+"/readyz")
	}
	for {
		if ok, err := n.Exited(); ok {
			return fmt.Errorf("%s exited (%v); its log ends:\n%s", n.Name, err, n.Tail(4000))
		}
		// The worker logs this once its database is migrated and its
		// task kinds are registered.
		if strings.Contains(n.Tail(1<<20), "queue worker started") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not start: %w; its log ends:\n%s", n.Name, ctx.Err(), n.Tail(4000))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Run runs bin once with args and the shared settings in env (anyhour
// admin bootstrap, anyhour migrate) and returns its standard output.
func Run(ctx context.Context, bin string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = baseEnv(env)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("anyhour %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// WaitPort waits until something accepts connections on addr.
func WaitPort(ctx context.Context, addr string) error {
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// run is the state of one Run call.
type run struct {
	box   *Box
	cmd   Command
	lim   Limits
	files []File

	c              *exec.Cmd
	stdout, stderr *cappedBuffer
	infoR, blockW  *os.File
	memfds         []*os.File
	cg             *runCgroup
	inner          int // host pid of the box's pid 1 (bwrap's init)
	pidfd          int
	work           *os.Root // the box's /task tmpfs, kept open to collect from
	done           chan struct{}

	started     time.Time
	wall        time.Duration
	timedOut    bool
	memExceeded bool
	peak        usage // measured by polling, without cgroups
	ctxErr      error
}

// Run runs cmd in a fresh box and waits for it to finish. It returns an
// error only when the sandbox itself fails (bad Command, bwrap cannot set
// up the box) or ctx ends; a program that fails, crashes, times out or
// runs out of memory is a normal Result.
func (b *Box) Run(ctx context.Context, cmd Command) (Result, error) {
	s, err := b.begin(ctx, cmd)
	if err != nil {
		return Result{}, err
	}
	s.r.started = time.Now()
	return s.wait(ctx)
}

// Started is a box whose program runs without its wall clock yet: a
// program that loads what it can ahead (an interpreter and its harness)
// and then waits for the rest of its work on one of its ExtraFiles. Wait
// starts the clock; a Started that is not waited for must be stopped.
type Started struct {
	r    *run
	once sync.Once
}

// Start runs cmd in a fresh box, with its limits in place but for the
// wall clock, and returns as soon as the program has been let go. The
// CPU limit (RLIMIT_CPU) counts from here, so it should allow for the
// wait; the wall clock given to Wait is what bounds the work.
func (b *Box) Start(cmd Command) (*Started, error) {
	return b.begin(context.Background(), cmd)
}

// Wait starts the wall clock (the Command's own, or wall if positive),
// sets the memory limit to memory if positive, and waits for the program
// to end, as Run does.
func (s *Started) Wait(ctx context.Context, wall time.Duration, memory int64) (Result, error) {
	r := s.r
	if wall > 0 {
		r.lim.Wall = wall
	}
	if memory > 0 && memory != r.lim.MemoryBytes {
		r.lim.MemoryBytes = memory
		if r.cg != nil {
			if err := r.cg.setMemory(memory); err != nil {
				s.Stop()
				return Result{}, fmt.Errorf("sandbox: setting the memory limit: %w", err)
			}
		}
	}
	r.started = time.Now()
	return s.wait(ctx)
}

// Stop ends a Started box that will not be waited for.
func (s *Started) Stop() {
	s.once.Do(func() {
		s.r.kill()
		<-s.r.done
		s.r.waitGone()
		s.r.cleanup()
	})
}

func (s *Started) wait(ctx context.Context) (res Result, err error) {
	s.once.Do(func() {
		defer s.r.cleanup()
		s.r.supervise(ctx)
		res, err = s.r.finish()
	})
	return res, err
}

// begin starts bwrap, limits the box and lets the program go.
func (b *Box) begin(ctx context.Context, cmd Command) (*Started, error) {
	defer closeFiles(cmd.ExtraFiles)
	l := cmd.Limits.withDefaults()
	files, err := validate(cmd, l)
	if err != nil {
		return nil, err
	}
	r := &run{box: b, cmd: cmd, lim: l, files: files, pidfd: -1, done: make(chan struct{})}
	if err := r.start(); err != nil {
		r.cleanup()
		return nil, fmt.Errorf("sandbox: starting bwrap: %w", err)
	}
	if err := r.setup(ctx); err != nil {
		r.kill()
		<-r.done
		stderr, _ := r.stderr.bytes()
		r.cleanup()
		return nil, fmt.Errorf("sandbox: setting up the box: %w: %s", err, strings.TrimSpace(string(stderr)))
	}
	if err := r.release(); err != nil {
		r.kill()
		<-r.done
		r.cleanup()
		return nil, fmt.Errorf("sandbox: releasing the box: %w", err)
	}
	return &Started{r: r}, nil
}

// start writes the files into memfds, makes the run's cgroups and starts
// bwrap, which sets up the box and then waits on blockFD.
func (r *run) start() error {
	fds := newFDLayout(len(r.cmd.ExtraFiles), r.box.seccomp != nil)
	if r.box.seccomp != nil {
		mf, err := memfd(r.box.seccomp)
		if err != nil {
			return err
		}
		r.memfds = append(r.memfds, mf)
	}
	for _, f := range r.files {
		mf, err := memfd(f.Data)
		if err != nil {
			return err
		}
		r.memfds = append(r.memfds, mf)
	}
	if cgs := r.box.cgroupsFor(); cgs != nil {
		cg, err := cgs.create(r.lim)
		if err != nil {
			return fmt.Errorf("creating cgroups: %w", err)
		}
		r.cg = cg
	}
	infoR, infoW, err := os.Pipe()
	if err != nil {
		return err
	}
	defer infoW.Close()
	blockR, blockW, err := os.Pipe()
	if err != nil {
		infoR.Close()
		return err
	}
	defer blockR.Close()
	r.infoR, r.blockW = infoR, blockW

	c := exec.Command(r.box.bwrap, r.box.bwrapArgs(r.cmd, r.lim, r.files, fds)...)
	c.Env = []string{} // not nil: nil would pass the server's environment to bwrap
	c.Dir = "/"
	if len(r.cmd.Stdin) > 0 {
		c.Stdin = bytes.NewReader(r.cmd.Stdin)
	}
	r.stdout, r.stderr = newCappedBuffer(r.lim.OutputBytes), newCappedBuffer(r.lim.OutputBytes)
	c.Stdout, c.Stderr = r.stdout, r.stderr
	c.ExtraFiles = append(append(append([]*os.File(nil), r.cmd.ExtraFiles...), infoW, blockR), r.memfds...)
	c.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:    true,
		Pdeathsig:  syscall.SIGKILL,
		Credential: r.cred(),
	}
	c.WaitDelay = 2 * time.Second
	if err := c.Start(); err != nil {
		return err
	}
	r.c = c
	go func() {
		c.Wait()
		close(r.done)
	}()
	// The box has its copies now; ours would keep a pipe from reporting
	// the end of the box's side.
	closeFiles(r.cmd.ExtraFiles)
	for _, mf := range r.memfds {
		mf.Close()
	}
	r.memfds = nil
	return nil
}

func closeFiles(fs []*os.File) {
	for _, f := range fs {
		if f != nil {
			f.Close()
		}
	}
}

// cred is the host user bwrap runs as for this run, or nil for the
// server's own.
func (r *run) cred() *syscall.Credential {
	if r.cmd.Peer {
		return r.box.peerCred
	}
	return r.box.cred
}

// memfd returns an anonymous in-memory file holding data, for bwrap's
// --file, which copies it into the box's /task.
func memfd(data []byte) (*os.File, error) {
	fd, err := unix.MemfdCreate("sandbox-file", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "memfd")
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// setup limits the box's first process before it may start the program:
// rlimits, cgroups. bwrap builds the box meanwhile. A run that collects
// files waits until it has, to keep /task open so that they can be read
// after the box is gone; so does a run with Binds, whose sources may be
// missing, so that bwrap's failure is Run's error and not the program's
// exit. A run with neither has nothing that can fail bwrap but the
// machine, and lets its program go without waiting. The program cannot
// start before release in any case: bwrap waits on blockFD before it
// forks it.
func (r *run) setup(ctx context.Context) error {
	deadline := time.Now().Add(setupTimeout)
	r.infoR.SetReadDeadline(deadline)
	var info struct {
		ChildPid int `json:"child-pid"`
	}
	if err := json.NewDecoder(r.infoR).Decode(&info); err != nil || info.ChildPid <= 0 {
		return fmt.Errorf("reading bwrap's info: %v", err)
	}
	r.inner = info.ChildPid
	fd, err := unix.PidfdOpen(r.inner, 0)
	if err != nil {
		return fmt.Errorf("pidfd_open: %w", err)
	}
	r.pidfd = fd
	for wait := 50 * time.Microsecond; len(r.cmd.Collect) > 0 || len(r.cmd.Binds) > 0; wait = min(2*wait, 2*time.Millisecond) {
		if r.work, err = openWork(r.inner); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("bwrap did not finish setting up in %v: %v", setupTimeout, err)
		}
		select {
		case <-r.done:
			return errors.New("bwrap exited")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	// The pid is bwrap's child (not a recycled pid) and still alive (a
	// server without CAP_KILL is told EPERM: alive, not its to signal).
	// It cannot run the program before release; if it fails while
	// building the box, the limits below fail with it, or the release
	// does.
	if alive := unix.PidfdSendSignal(r.pidfd, 0, nil, 0); ppid(r.inner) != r.c.Process.Pid || (alive != nil && !errors.Is(alive, unix.EPERM)) {
		return errors.New("the box's first process went away")
	}
	if err := setRlimits(r.inner, r.lim.rlimits(!r.box.memoryByCgroup()), r.cred()); err != nil {
		return err
	}
	if r.cg != nil {
		if err := r.cg.join(r.inner); err != nil {
			return fmt.Errorf("joining cgroup: %w", err)
		}
	}
	return nil
}

// openWork opens the box's /task from outside, through /proc/PID/root.
// Until bwrap's final pivot_root, that path is the host's /task or does
// not exist; it counts as the box's only once it is a tmpfs other than
// any host /task. bwrap pivots after every mount, so the box is ready.
func openWork(pid int) (*os.Root, error) {
	root, err := os.OpenRoot(fmt.Sprintf("/proc/%d/root/task", pid))
	if err != nil {
		return nil, err
	}
	f, err := root.Open(".")
	if err != nil {
		root.Close()
		return nil, err
	}
	defer f.Close()
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &sfs); err != nil || sfs.Type != unix.TMPFS_MAGIC {
		root.Close()
		return nil, errors.New("/task is not the box's tmpfs yet")
	}
	fi, err := f.Stat()
	if err != nil {
		root.Close()
		return nil, err
	}
	if host, err := os.Stat("/task"); err == nil && sameDev(fi, host) {
		root.Close()
		return nil, errors.New("/task is still the host's")
	}
	return root, nil
}

func sameDev(a, b os.FileInfo) bool {
	sa, ok1 := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	return ok1 && ok2 && sa.Dev == sb.Dev
}

// release lets bwrap exec the program.
func (r *run) release() error {
	_, err := r.blockW.Write([]byte{1})
	r.blockW.Close()
	r.blockW = nil
	return err
}

// supervise waits for the program to end, killing the box on the wall
// clock, on ctx, or (without a memory cgroup) when its processes' resident
// memory together passes the limit.
func (r *run) supervise(ctx context.Context) {
	timer := time.NewTimer(r.lim.Wall)
	defer timer.Stop()
	var poll <-chan time.Time
	var ns string
	if r.cg == nil || r.cg.memory == "" {
		ns, _ = os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", r.inner))
		t := time.NewTicker(memoryPollInterval)
		defer t.Stop()
		poll = t.C
	}
	defer func() { r.wall = time.Since(r.started) }()
	for {
		select {
		case <-r.done:
			return
		case <-timer.C:
			r.timedOut = true
		case <-ctx.Done():
			r.ctxErr = ctx.Err()
		case <-poll:
			if ns == "" {
				continue
			}
			u := boxUsage(ns, r.inner)
			r.peak.rss = max(r.peak.rss, u.rss)
			r.peak.cpu = max(r.peak.cpu, u.cpu)
			if u.rss <= r.lim.MemoryBytes {
				continue
			}
			r.memExceeded = true
		}
		r.kill()
		<-r.done
		return
	}
}

// kill ends the box. SIGKILL to the box's pid 1 makes the kernel kill
// every process in its pid namespace, daemonised or not; bwrap itself is
// killed too, and the cgroup sweep in finish catches anything else.
//
// The box's processes belong to its host user, and signalling them takes
// CAP_KILL, which a hardened unit may leave out. Without it the server
// still has CAP_SETUID (it starts every box as that user), so the signal
// is sent by a shell running as the box's user, as setRlimits does with
// prlimit; on cgroup v2 writing cgroup.kill does it as well.
func (r *run) kill() {
	var denied []string // the pids whose signal was refused for want of CAP_KILL
	if r.pidfd >= 0 && errors.Is(unix.PidfdSendSignal(r.pidfd, unix.SIGKILL, nil, 0), unix.EPERM) && r.inner > 0 {
		denied = append(denied, strconv.Itoa(r.inner))
	}
	if r.c != nil && r.c.Process != nil && errors.Is(r.c.Process.Kill(), unix.EPERM) && r.c.Process.Pid > 0 {
		denied = append(denied, strconv.Itoa(r.c.Process.Pid))
	}
	if cred := r.cred(); cred != nil && len(denied) > 0 {
		// At once, before anything else is killed: each of these was
		// alive a moment ago (EPERM, not ESRCH), so its pid is nobody
		// else's yet. Only positive pids: "kill 0" would be the shell's
		// own process group, the server's.
		c := exec.Command("/bin/sh", "-c", `kill -KILL "$@"`, "sh")
		c.Args = append(c.Args, denied...)
		c.Env = []string{}
		c.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		c.Run() // a process gone meanwhile makes kill fail; nothing to do
	}
	if r.cg != nil {
		for _, d := range r.cg.dirs() {
			writeFile(d, "cgroup.kill", "1")
		}
	}
}

// finish gathers the Result once bwrap has exited.
func (r *run) finish() (Result, error) {
	var res Result
	err := r.waitGone()
	res.Stdout, res.StdoutTruncated = r.stdout.bytes()
	res.Stderr, res.StderrTruncated = r.stderr.bytes()
	res.TimedOut = r.timedOut
	res.Wall = r.wall
	res.CPU, res.MaxRSSBytes = r.peak.cpu, r.peak.rss
	if r.cg != nil {
		if cpu := r.cg.cpuTime(); cpu > 0 {
			res.CPU = cpu
		}
		peak, oom := r.cg.memoryStats()
		if peak > 0 {
			res.MaxRSSBytes = peak
		}
		res.MemoryExceeded = oom
	}
	res.MemoryExceeded = res.MemoryExceeded || r.memExceeded
	res.ExitCode, res.Signal = exitStatus(r.c.ProcessState)
	if res.ExitCode == 1 && bytes.HasPrefix(res.Stderr, []byte("bwrap: execvp ")) {
		return res, fmt.Errorf("sandbox: %s", strings.TrimSpace(string(res.Stderr)))
	}
	res.Collected = r.collect()
	if err == nil {
		err = r.ctxErr
	}
	return res, err
}

// waitGone makes sure no process of the box is left. bwrap's outer
// process exits as soon as the program does, before the box's pid 1 has
// finished exiting; when pid 1 is gone (its pidfd polls readable), the
// kernel has killed and reaped everything else in the pid namespace.
// The cgroup sweep is a second, independent check.
func (r *run) waitGone() error {
	if !exited(r.pidfd, 5*time.Second) {
		r.kill()
		if !exited(r.pidfd, 5*time.Second) {
			return errors.New("sandbox: the box's pid 1 did not exit")
		}
	}
	if r.cg != nil && !r.cg.killAll() {
		return errors.New("sandbox: processes survived in the run's cgroup")
	}
	return nil
}

// exited waits up to d for the process behind pidfd to exit. A signal
// that interrupts the wait (the Go runtime preempts goroutines with
// SIGURG) is not an answer: the wait goes on until d has passed.
func exited(pidfd int, d time.Duration) bool {
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	deadline := time.Now().Add(d)
	for {
		left := max(time.Until(deadline), 0)
		n, err := unix.Poll(fds, int(left.Milliseconds()))
		switch {
		case n == 1:
			return true
		case errors.Is(err, unix.EINTR) && left > 0:
			continue
		default:
			return false
		}
	}
}

// exitStatus decodes bwrap's status. bwrap reports a program killed by
// signal N as exit code 128+N, so a program that itself exits with 128+N
// is reported as killed by N too.
func exitStatus(ps *os.ProcessState) (int, string) {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok {
		return ps.ExitCode(), ""
	}
	if ws.Signaled() {
		return -1, ws.Signal().String()
	}
	code := ws.ExitStatus()
	if code > 128 && code <= 128+64 {
		return -1, syscall.Signal(code - 128).String()
	}
	return code, ""
}

// collect reads cmd.Collect from the box's /task. Every process of the box
// is dead by now. os.Root refuses paths that escape /task through symlinks
// or "..", O_NOFOLLOW refuses a final symlink and O_NONBLOCK keeps a FIFO
// from blocking; only regular files are read, up to OutputBytes each.
func (r *run) collect() map[string][]byte {
	if len(r.cmd.Collect) == 0 || r.work == nil {
		return nil
	}
	out := map[string][]byte{}
	for _, p := range r.cmd.Collect {
		f, err := r.work.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
		if err != nil {
			continue
		}
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if data, err := io.ReadAll(io.LimitReader(f, int64(r.lim.OutputBytes))); err == nil {
				out[p] = data
			}
		}
		f.Close()
	}
	return out
}

// cleanup releases everything the run holds. Closing /task frees the
// box's tmpfs.
func (r *run) cleanup() {
	if r.work != nil {
		r.work.Close()
	}
	if r.pidfd >= 0 {
		unix.Close(r.pidfd)
	}
	for _, f := range []*os.File{r.infoR, r.blockW} {
		if f != nil {
			f.Close()
		}
	}
	for _, f := range r.memfds {
		f.Close()
	}
	if r.cg != nil {
		r.cg.killAll()
		r.cg.remove()
	}
}

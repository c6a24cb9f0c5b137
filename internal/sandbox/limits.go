package sandbox

import (
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// withDefaults fills the zero fields of l from DefaultLimits. A zero CPU
// follows Wall (Wall+1s), so a caller who shortens Wall shortens both.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.Wall <= 0 {
		l.Wall = d.Wall
	}
	if l.CPU <= 0 {
		l.CPU = l.Wall + time.Second
	}
	if l.MemoryBytes <= 0 {
		l.MemoryBytes = d.MemoryBytes
	}
	if l.Processes <= 0 {
		l.Processes = d.Processes
	}
	if l.FileBytes <= 0 {
		l.FileBytes = d.FileBytes
	}
	if l.OpenFiles <= 0 {
		l.OpenFiles = d.OpenFiles
	}
	if l.OutputBytes <= 0 {
		l.OutputBytes = d.OutputBytes
	}
	if l.TmpBytes <= 0 {
		l.TmpBytes = d.TmpBytes
	}
	return l
}

// rlimit is one resource limit, soft and hard set to the same value so
// that the program cannot raise it again.
type rlimit struct {
	resource int
	name     string
	value    uint64
}

// rlimits lists what setRlimits applies to the box's first process. Its
// children inherit them. RLIMIT_AS is deliberately absent: Go and Node
// reserve far more address space than they use and break under it.
// RLIMIT_DATA stands in for the memory cgroup only when there is none.
func (l Limits) rlimits(memoryByRlimit bool) []rlimit {
	cpu := uint64((l.CPU + time.Second - 1) / time.Second)
	rl := []rlimit{
		{unix.RLIMIT_CPU, "cpu", cpu},
		{unix.RLIMIT_FSIZE, "fsize", uint64(l.FileBytes)},
		{unix.RLIMIT_NOFILE, "nofile", uint64(l.OpenFiles)},
		{unix.RLIMIT_CORE, "core", 0},
		// Counted per user namespace (Linux 5.14+): each box has its own,
		// so concurrent boxes do not share this budget. See doc.go.
		{unix.RLIMIT_NPROC, "nproc", uint64(l.Processes)},
	}
	if memoryByRlimit {
		rl = append(rl, rlimit{unix.RLIMIT_DATA, "data", uint64(l.MemoryBytes)})
	}
	return rl
}

// setRlimits applies rl to process pid with prlimit(2). It is called while
// the box's first process is blocked, after bubblewrap has set up the
// mounts and before it forks the program, so there is no window in which
// the program runs unlimited, and the limits are not on bwrap's outer
// process, which created the user namespace (see RLIMIT_NPROC in doc.go).
//
// Setting another process's limits needs its uid or CAP_SYS_RESOURCE.
// A root server normally has the capability; where it does not (some
// containers drop it), cred is the box's host user and util-linux's
// prlimit(1) is run as that user instead.
func setRlimits(pid int, rl []rlimit, cred *syscall.Credential) error {
	var err error
	for _, r := range rl {
		v := unix.Rlimit{Cur: r.value, Max: r.value}
		if err = unix.Prlimit(pid, r.resource, &v, nil); err != nil {
			break
		}
	}
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.EPERM) || cred == nil {
		return fmt.Errorf("prlimit: %w", err)
	}
	args := []string{"--pid", strconv.Itoa(pid)}
	for _, r := range rl {
		args = append(args, fmt.Sprintf("--%s=%d", r.name, r.value))
	}
	c := exec.Command(prlimitPath, args...)
	c.Env = []string{}
	c.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := c.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", prlimitPath, strings.Join(args, " "), err, out)
	}
	return nil
}

// prlimitPath is util-linux's prlimit(1), part of an essential Debian
// package.
const prlimitPath = "/usr/bin/prlimit"

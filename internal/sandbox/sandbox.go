package sandbox

import (
	"context"
	"io/fs"
	"os"
	"time"
)

// Limits bound one run. Zero fields take the defaults (DefaultLimits).
type Limits struct {
	Wall        time.Duration // wall-clock timeout; the whole process tree is killed (default 10 s)
	CPU         time.Duration // RLIMIT_CPU (default Wall+1s)
	MemoryBytes int64         // cgroup memory limit where available (default 256 MiB)
	Processes   int           // cgroup pids limit and RLIMIT_NPROC (default 64); counts threads too, and bwrap's pid 1
	FileBytes   int64         // RLIMIT_FSIZE (default 16 MiB)
	OpenFiles   int           // RLIMIT_NOFILE (default 256)
	OutputBytes int           // cap on each of stdout and stderr kept (default 1 MiB); the rest is drained and dropped
	TmpBytes    int64         // size of the private /tmp tmpfs (default 64 MiB); /dev/shm gets as much, /task this plus the Files
}

// DefaultLimits are the limits a zero Limits field takes.
var DefaultLimits = Limits{
	Wall:        10 * time.Second,
	CPU:         11 * time.Second,
	MemoryBytes: 256 << 20,
	Processes:   64,
	FileBytes:   16 << 20,
	OpenFiles:   256,
	OutputBytes: 1 << 20,
	TmpBytes:    64 << 20,
}

// File is written into the box's work directory (/task) before the run.
// Path is relative and has no ".." element; a zero Mode means 0644.
type File struct {
	Path string
	Data []byte
	Mode fs.FileMode
}

// Bind makes a host path visible inside the box, read-only unless Writable.
type Bind struct {
	Src, Dst string
	Writable bool
}

// Command is one program to run in a fresh box.
type Command struct {
	// ExtraFiles are descriptors the program gets as 3, 4, ... in this
	// order, such as pipes to a program in another box. Run closes them as
	// soon as the box has its own copies (or when it fails before), so
	// that the other end sees the end of the stream when the box's
	// program ends. The box has no other descriptor than these and its
	// standard streams.
	ExtraFiles []*os.File
	// Peer runs the box as the sandbox's second host user (Options.UID+1
	// when the server is root), for a box that talks through ExtraFiles
	// with another one and must not share its user: the tests that judge
	// a candidate's code, beside the box running that code.
	Peer bool

	Args    []string // Args[0] must be an absolute path inside the box, e.g. /usr/bin/python3
	Env     []string // the whole environment (the box starts empty); PATH=/usr/bin:/bin is added if absent, and bwrap adds PWD=/task
	Stdin   []byte
	Files   []File   // the program and its tests
	Binds   []Bind   // extra read-only system paths a toolchain needs (e.g. /usr/local/go), on top of the base set; Src must be readable by uid 65534
	Collect []string // files under /task to return after the run, each capped at OutputBytes
	Limits  Limits
}

// Result is what a run produced. A program that crashes, times out or
// exceeds its memory is a normal Result, not an error.
type Result struct {
	ExitCode                         int    // -1 if killed by a signal
	Signal                           string // e.g. "killed"
	Stdout, Stderr                   []byte // as produced, capped (invalid UTF-8 and NUL bytes kept as is; callers sanitise)
	StdoutTruncated, StderrTruncated bool
	TimedOut                         bool              // the wall clock ran out
	MemoryExceeded                   bool              // the memory limit was hit (OOM kill)
	Wall, CPU                        time.Duration     // Wall from exec to exit (box setup excluded); CPU of all the box's processes
	MaxRSSBytes                      int64             // peak memory where measurable: the memory cgroup's peak (tmpfs and page cache included)
	Collected                        map[string][]byte // regular files only (no symlinks), each capped at OutputBytes; missing ones absent
}

// Runner runs untrusted programs.
type Runner interface {
	Run(ctx context.Context, cmd Command) (Result, error)
}

// Report says what the sandbox can do on this machine, for the worker's
// start-up log and `anyhour doctor`.
type Report struct {
	Bwrap          string // path, or "" when missing
	Version        string
	UserNamespaces bool
	Cgroups        string // "v1", "v2" or "none"
	MemoryLimit    bool
	PidsLimit      bool
	Seccomp        bool // the system call filter is in place
	UID            int  // the host user boxes run as (Peer boxes: UID+1); 0 when they run as the server's user
	Sealed         int  // descriptors the server inherited without close-on-exec, now closed to boxes
	Problems       []string
}

package sandbox

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// ErrNoBwrap is returned by New when bubblewrap is not installed.
var ErrNoBwrap = errors.New("sandbox: bubblewrap (bwrap) not found; install the Debian package: apt-get install bubblewrap")

// Options configure New.
type Options struct {
	// Bwrap is the path to bwrap; by default /usr/bin/bwrap, then $PATH.
	Bwrap string
	// WorkRoot is accepted for compatibility and unused: each run's /task
	// is a size-limited tmpfs inside the box, so nothing is written to the
	// host's disk (see doc.go).
	WorkRoot string
	// UID is the host user id boxes run as when the server is root, and
	// UID+1 the one Peer boxes run as; both are used as group ids too.
	// They must belong to nobody else on the machine (no daemon, no
	// person, not the shared nobody). Default DefaultUID.
	UID int
}

// DefaultUID is the host user id of boxes when Options.UID is zero: far
// above the ranges Debian, systemd's dynamic users and container id maps
// hand out, so that no other process on the machine runs as it.
const DefaultUID = 2_000_000_000

// Box runs commands under bubblewrap. It is safe for concurrent use.
type Box struct {
	bwrap    string
	version  string
	features features
	layout   []string            // --symlink/--ro-bind args for /bin, /lib...
	uid      int                 // host user of boxes (Peer ones: uid+1) when cred is set
	cred     *syscall.Credential // bwrap's host user for boxes, nil when the server is not root
	peerCred *syscall.Credential // the same for Peer boxes
	seccomp  []byte              // the filter (seccomp.go), nil where there is none
	cg       *cgroups
	problems []string
	sealed   int // inherited descriptors New had to mark close-on-exec

	// noCgroups forces the rlimit and polling fallback (tests).
	noCgroups bool
}

var _ Runner = (*Box)(nil)

// features are the bwrap options that depend on its version.
type features struct {
	size          bool // --size for --tmpfs (0.5+)
	disableUserns bool // --disable-userns (0.8+)
}

// New checks that bubblewrap is present, finds what the machine offers
// (cgroups, bwrap options) and returns a Box. Missing cgroups are not an
// error: the fallbacks are described in doc.go and listed by Check.
func New(opts Options) (*Box, error) {
	path, err := findBwrap(opts.Bwrap)
	if err != nil {
		return nil, err
	}
	b := &Box{bwrap: path, layout: hostLayout()}
	out, err := exec.Command(path, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("sandbox: %s --version: %w", path, err)
	}
	b.version = strings.TrimSpace(strings.TrimPrefix(string(out), "bubblewrap"))
	help, _ := exec.Command(path, "--help").CombinedOutput()
	b.features = features{
		size:          strings.Contains(string(help), "--size"),
		disableUserns: strings.Contains(string(help), "--disable-userns"),
	}
	if !b.features.size {
		b.problems = append(b.problems, "bwrap "+b.version+" has no --size: /tmp and /task are bounded only by the memory cgroup")
	}
	b.uid = opts.UID
	if b.uid == 0 {
		b.uid = DefaultUID
	}
	if os.Geteuid() == 0 {
		// Never run bwrap as root: see doc.go ("Why bwrap runs as a user
		// of its own").
		b.cred = credential(b.uid)
		b.peerCred = credential(b.uid + 1)
		b.problems = append(b.problems, sharedUsers(b.uid, b.uid+1)...)
	}
	if b.seccomp = seccompProgram(); b.seccomp == nil {
		b.problems = append(b.problems, "no seccomp filter for this architecture: boxed programs may make every system call an unprivileged user may")
	}
	if n, err := SealInherited(); err != nil {
		b.problems = append(b.problems, "cannot check the server's inherited descriptors: "+err.Error())
	} else if n > 0 {
		b.sealed = n
	}
	b.cg = detectCgroups()
	return b, nil
}

func findBwrap(p string) (string, error) {
	if p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%w (%v)", ErrNoBwrap, err)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/bwrap"); err == nil {
		return "/usr/bin/bwrap", nil
	}
	if p, err := exec.LookPath("bwrap"); err == nil {
		return p, nil
	}
	return "", ErrNoBwrap
}

// cgroupsFor returns the cgroups to use for a run, or nil for the fallback.
func (b *Box) cgroupsFor() *cgroups {
	if b.noCgroups || b.cg.version == "none" {
		return nil
	}
	return b.cg
}

// memoryByCgroup says whether the memory limit is a cgroup's.
func (b *Box) memoryByCgroup() bool {
	cg := b.cgroupsFor()
	return cg != nil && cg.memoryDir != ""
}

// setupTimeout bounds how long bwrap may take to build the box.
const setupTimeout = 30 * time.Second

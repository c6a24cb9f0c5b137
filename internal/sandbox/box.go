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
}

// Box runs commands under bubblewrap. It is safe for concurrent use.
type Box struct {
	bwrap    string
	version  string
	features features
	layout   []string // --symlink/--ro-bind args for /bin, /lib...
	cred     *syscall.Credential
	cg       *cgroups
	problems []string

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
	if os.Geteuid() == 0 {
		// Never run bwrap as root: see doc.go ("Why bwrap runs as nobody").
		b.cred = &syscall.Credential{Uid: boxUID, Gid: boxUID, Groups: []uint32{}}
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
const setupTimeout = 10 * time.Second

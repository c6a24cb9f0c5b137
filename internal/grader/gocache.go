package grader

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// The Go build cache.
//
// Go needs a writable GOCACHE and has no layered cache. Compiling the
// standard library for every submission would take seconds, so New builds
// it once into a master cache on the host (`go build std`, with the
// environment the box uses, so the cache keys match), and every compile
// run gets a fresh directory of hard links to the master's files, bound
// writable into the box: new entries land in the run's directory, the
// master's files stay as they are. Hard-linking about 2,500 files takes
// some milliseconds; copying them (170 MB) would take far longer.
//
// The links share the master's inodes, which is safe for two reasons.
// Only the Go toolchain runs in the compile box; the candidate's code runs
// later, in another box that has no cache at all. And when the server runs
// as root, the master's files belong to root and are not writable by the
// box's user (the sandbox runs bwrap as uid 65534), who owns only the
// run's directories. Cache entries are content-addressed files that Go
// writes once and never rewrites, so a new entry never touches a linked one.

// goCache is the master cache and the directory of per-run copies.
type goCache struct {
	master string
	runs   string
	// owner is the host user the compile box runs as, who must own the
	// run's copies; nil when boxes run as this process's user.
	owner *hostUser
}

// hostUser is a box's host user and group.
type hostUser struct{ uid, gid int }

// boxOwner asks the runner which host user its boxes run as, if it can
// tell (a *sandbox.Box can).
func boxOwner(r any) *hostUser {
	h, ok := r.(interface{ HostUser() (int, int, bool) })
	if !ok {
		return nil
	}
	if uid, gid, ok := h.HostUser(); ok {
		return &hostUser{uid, gid}
	}
	return nil
}

// openGoCache makes sure dir holds a master cache for this toolchain,
// building it if needed, with the standard library and the packages
// every build in a box imports (module, the box's module without the
// candidate's code or the tests: the bridge and the judge's harness).
// Every build uses -trimpath, so that a package's cache key does not
// depend on the directory it was built in: the same sources built here
// and in a box's /task share their entries.
func openGoCache(dir, goRoot, version string, owner *hostUser, module []sandbox.File) (*goCache, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := safeDir(dir); err != nil {
		return nil, err
	}
	if err := reachable(dir, owner != nil); err != nil {
		return nil, err
	}
	c := &goCache{master: filepath.Join(dir, version+"-trimpath"), runs: filepath.Join(dir, "runs"), owner: owner}
	for _, d := range []string{c.master, c.runs} {
		if err := safeDir(d); err != nil {
			return nil, err
		}
	}
	c.sweep()
	home, err := os.MkdirTemp(c.runs, "build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(home)
	goBin := filepath.Join(goRoot, "bin", "go")
	stamp := filepath.Join(c.master, "anyhour-std-built")
	if _, err := os.Stat(stamp); err != nil {
		cmd := exec.Command(goBin, "build", "std")
		cmd.Env = goEnv(goRoot, c.master, home)
		cmd.Dir = home
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("grading: building the Go standard library into %s: %w: %s", c.master, err, out)
		}
		if err := os.WriteFile(stamp, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644); err != nil {
			return nil, err
		}
	}
	// The module's own packages change with anyhour, and cost little to
	// build again when they have not: go looks them up by their sources.
	src := filepath.Join(home, "src")
	for _, f := range module {
		p := filepath.Join(src, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(goBin, "build", "./anyhour/...")
	cmd.Env = goEnv(goRoot, c.master, home)
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("grading: building the bridge into %s: %w: %s", c.master, err, out)
	}
	return c, nil
}

// safeDir creates dir if needed and checks that it is a directory of ours
// that nobody else can write to: the cache's contents end up in every
// candidate's binary.
func safeDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("grading: Go cache: %w", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("grading: Go cache: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case !fi.IsDir():
		return fmt.Errorf("grading: Go cache %s is not a directory", dir)
	case fi.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("grading: Go cache %s is writable by others (%v)", dir, fi.Mode().Perm())
	case ok && int(st.Uid) != os.Geteuid():
		return fmt.Errorf("grading: Go cache %s belongs to uid %d, not to this process (%d)", dir, st.Uid, os.Geteuid())
	}
	return nil
}

// reachable checks that the box's user can get to dir: a root server runs
// bubblewrap as another user, who must be able to search every directory
// on the way to the run's cache to bind it.
func reachable(dir string, otherUser bool) error {
	if !otherUser {
		return nil
	}
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("grading: Go cache: %w", err)
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("grading: Go cache %s: the sandbox's user cannot reach it through %s (mode %v)", dir, d, fi.Mode().Perm())
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// goEnv is the Go toolchain's whole environment, on the host and in the
// box alike; anything that changes the compiler's cache keys must be the
// same in both.
func goEnv(goRoot, cache, home string) []string {
	return []string{
		"PATH=" + filepath.Join(goRoot, "bin") + ":/usr/bin:/bin",
		"HOME=" + home,
		"GOPATH=" + filepath.Join(home, "gopath"),
		"GOCACHE=" + cache,
		"GOENV=off",
		"GOTOOLCHAIN=local",
		"GOPROXY=off",
		"GOSUMDB=off",
		"GOTELEMETRY=off",
		"GOWORK=off",
		"GOFLAGS=-trimpath",
		"CGO_ENABLED=0",
	}
}

// fork makes a run's cache: a directory of hard links to the master's
// entries, which the box's user may add to. done removes it, in the
// background: unlinking thousands of files takes longer (some 100 ms) than
// linking them, and nobody needs to wait for it.
func (c *goCache) fork() (dir string, done func(), err error) {
	dir, err = os.MkdirTemp(c.runs, "run-")
	if err != nil {
		return "", nil, err
	}
	remove := func() { go os.RemoveAll(dir) }
	defer func() {
		// Not done: a failing return has set it to nil by now.
		if err != nil {
			remove()
		}
	}()
	own := func(p string) error {
		if c.owner != nil {
			return os.Lchown(p, c.owner.uid, c.owner.gid)
		}
		return nil
	}
	if err := own(dir); err != nil {
		return "", nil, err
	}
	err = filepath.WalkDir(c.master, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(c.master, p)
		if rel == "." {
			return nil
		}
		dst := filepath.Join(dir, rel)
		switch {
		case d.IsDir():
			if err := os.Mkdir(dst, 0o755); err != nil {
				return err
			}
			return own(dst)
		case rel == "trim.txt" || !d.Type().IsRegular() || strings.HasPrefix(rel, "anyhour-"):
			return nil
		}
		return os.Link(p, dst)
	})
	if err != nil {
		return "", nil, err
	}
	// A recent trim.txt keeps Go from trimming (walking and pruning) the
	// run's cache, which it does once a day otherwise.
	trim := filepath.Join(dir, "trim.txt")
	if err := os.WriteFile(trim, fmt.Appendf(nil, "%d\n", time.Now().Unix()), 0o644); err != nil {
		return "", nil, err
	}
	if err := own(trim); err != nil {
		return "", nil, err
	}
	return dir, remove, nil
}

// sweep removes the run directories that a process which died while
// compiling left behind; a compile run takes a minute at most.
func (c *goCache) sweep() {
	entries, _ := os.ReadDir(c.runs)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.RemoveAll(filepath.Join(c.runs, e.Name()))
		}
	}
}

var errNoGo = errors.New("Go is not available on this server")

package sandbox

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
)

// boxUID is the user (and group) the program runs as inside the box's
// user namespace. On the host the box is Options.UID (doc.go).
const boxUID = 65534

// fdLayout numbers the descriptors bubblewrap receives: first the
// Command's ExtraFiles (3, 4, ...), which bwrap leaves open for the
// program, then its own, which it closes before the program starts.
type fdLayout struct {
	info      int // bwrap writes {"child-pid": N} here
	block     int // bwrap waits on it after setting up, before exec
	seccomp   int // the filter, or -1
	firstFile int // one memfd per Command.File
}

func newFDLayout(extra int, seccomp bool) fdLayout {
	l := fdLayout{info: 3 + extra, block: 4 + extra, seccomp: -1, firstFile: 5 + extra}
	if seccomp {
		l.seccomp = l.firstFile
		l.firstFile++
	}
	return l
}

// maxFiles bounds Command.Files: each is one descriptor passed to bwrap.
const maxFiles = 256

// maxExtraFiles bounds Command.ExtraFiles.
const maxExtraFiles = 16

// hostLayout is how the host's top-level /bin, /lib... relate to /usr:
// on a merged-/usr system (Debian 12) they are symlinks, recreated as
// symlinks in the box; otherwise they are bound read-only.
func hostLayout() []string {
	var args []string
	for _, p := range []string{"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"} {
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if target, err := os.Readlink(p); err == nil {
				args = append(args, "--symlink", target, p)
			}
			continue
		}
		if fi.IsDir() {
			args = append(args, "--ro-bind", p, p)
		}
	}
	return args
}

// bwrapArgs builds bubblewrap's command line for one run. The order of the
// mount operations matters: bwrap performs them in order, and the two
// --remount-ro come last, once every mount point exists.
func (b *Box) bwrapArgs(cmd Command, l Limits, files []File, fds fdLayout) []string {
	a := []string{
		"--unshare-all", "--unshare-user",
		"--uid", strconv.Itoa(boxUID), "--gid", strconv.Itoa(boxUID),
		"--cap-drop", "ALL",
		"--die-with-parent", "--new-session",
		"--clearenv",
	}
	if b.features.disableUserns {
		a = append(a, "--disable-userns")
	}
	for _, kv := range boxEnv(cmd.Env) {
		k, v, _ := strings.Cut(kv, "=")
		a = append(a, "--setenv", k, v)
	}
	a = append(a, "--ro-bind", "/usr", "/usr")
	a = append(a, b.layout...)
	a = append(a, "--dev", "/dev", "--proc", "/proc")
	a = append(a, b.tmpfs("/dev/shm", l.TmpBytes)...)
	a = append(a, b.tmpfs("/tmp", l.TmpBytes)...)
	a = append(a, b.tmpfs("/task", workBytes(l, files))...)
	for _, d := range fileDirs(files) {
		a = append(a, "--perms", "0755", "--dir", path.Join("/task", d))
	}
	for i, f := range files {
		mode := f.Mode.Perm()
		if mode == 0 {
			mode = 0o644
		}
		a = append(a, "--perms", fmt.Sprintf("%04o", mode),
			"--file", strconv.Itoa(fds.firstFile+i), path.Join("/task", f.Path))
	}
	for _, bd := range cmd.Binds {
		op := "--ro-bind"
		if bd.Writable {
			op = "--bind"
		}
		a = append(a, op, bd.Src, bd.Dst)
	}
	a = append(a,
		"--remount-ro", "/dev",
		"--remount-ro", "/",
		"--chdir", "/task",
		"--info-fd", strconv.Itoa(fds.info),
		"--block-fd", strconv.Itoa(fds.block),
	)
	if fds.seccomp >= 0 {
		a = append(a, "--seccomp", strconv.Itoa(fds.seccomp))
	}
	return append(a, cmd.Args...)
}

// tmpfs mounts a tmpfs of the given size, or an unlimited one (bounded
// then only by the memory cgroup) on a bwrap older than 0.5 without --size.
func (b *Box) tmpfs(dst string, size int64) []string {
	if !b.features.size {
		return []string{"--tmpfs", dst}
	}
	return []string{"--size", strconv.FormatInt(size, 10), "--tmpfs", dst}
}

// workBytes sizes /task: TmpBytes of room on top of the files put there.
func workBytes(l Limits, files []File) int64 {
	n := l.TmpBytes
	for _, f := range files {
		n += int64(len(f.Data)) + 4096
	}
	return n
}

// boxEnv is the program's whole environment: cmd.Env plus a PATH if absent.
func boxEnv(env []string) []string {
	for _, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			return env
		}
	}
	return append(append([]string(nil), env...), "PATH=/usr/bin:/bin")
}

// fileDirs lists the directories under /task that files need, parents
// first.
func fileDirs(files []File) []string {
	seen := map[string]bool{}
	for _, f := range files {
		for d := path.Dir(f.Path); d != "."; d = path.Dir(d) {
			seen[d] = true
		}
	}
	dirs := make([]string, 0, len(seen))
	for d := range seen {
		dirs = append(dirs, d)
	}
	sort.Slice(dirs, func(i, j int) bool {
		ci, cj := strings.Count(dirs[i], "/"), strings.Count(dirs[j], "/")
		if ci != cj {
			return ci < cj
		}
		return dirs[i] < dirs[j]
	})
	return dirs
}

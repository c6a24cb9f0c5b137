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

// boxUID is the user (and group) the program runs as inside the box, and
// on the host the user bubblewrap itself runs as when the server is root.
// See doc.go for why bubblewrap must not run as root.
const boxUID = 65534

// The descriptors bubblewrap receives (ExtraFiles start at 3).
const (
	infoFD      = 3 // bwrap writes {"child-pid": N} here
	blockFD     = 4 // bwrap waits on it after setting up, before exec
	firstFileFD = 5 // one memfd per Command.File
)

// maxFiles bounds Command.Files: each is one descriptor passed to bwrap.
const maxFiles = 256

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
func (b *Box) bwrapArgs(cmd Command, l Limits, files []File) []string {
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
			"--file", strconv.Itoa(firstFileFD+i), path.Join("/task", f.Path))
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
		"--info-fd", strconv.Itoa(infoFD),
		"--block-fd", strconv.Itoa(blockFD),
	)
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

package ffmpeg

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// staging is the host directory of one command's box: the input, and an
// empty directory for the output.
//
// When the server is root, bubblewrap and the box run as another host
// user (sandbox.Box.HostUser), which must be able to reach both: the
// directory belongs to that user, mode 0700, so that it and root alone
// can enter it; the output directory is its, to write in; the input is a
// hard link to the caller's file when that user may read the file, else
// a copy it may read. The caller's file itself is never changed, and the
// box sees it through a read-only bind, so it cannot change it either.
// When the server is not root, the box runs as the server's user and
// none of that is needed.
type staging struct {
	dir, input, outDir string
	uid, gid           int
	boxed              bool // the box runs as uid/gid, not as the server's user
}

// stagingPrefix starts the name of every command's directory, followed by
// the server's pid, so that the directories of a server that died in the
// middle of a command, before its deferred removal, can be told apart
// and removed (removeStale). They hold a link to an upload.
const stagingPrefix = "anyhour-ffmpeg-"

// removeStale removes the command directories in dir of servers that are
// no longer running. Another server's live directories are left alone.
func removeStale(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), stagingPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		pidStr, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid <= 0 || pid == os.Getpid() || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue
		}
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// hostUser is what *sandbox.Box says about the host user its boxes run
// as; another Runner (a test's fake) is taken to run as the server.
type hostUser interface {
	HostUser() (uid, gid int, ok bool)
}

func (t Tools) stage(in string, withOut bool) (_ *staging, err error) {
	st := &staging{}
	if hu, ok := t.Runner.(hostUser); ok {
		st.uid, st.gid, st.boxed = hu.HostUser()
	}
	if st.dir, err = os.MkdirTemp(t.TempDir, fmt.Sprintf("%s%d-", stagingPrefix, os.Getpid())); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			st.remove()
		}
	}()
	if err := st.own(st.dir); err != nil {
		return nil, err
	}
	if in != "" {
		st.input = filepath.Join(st.dir, "input")
		if err := st.place(in); err != nil {
			return nil, err
		}
	}
	if withOut {
		st.outDir = filepath.Join(st.dir, "out")
		if err := os.Mkdir(st.outDir, 0o700); err != nil {
			return nil, err
		}
		if err := st.own(st.outDir); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// own gives path to the box's user.
func (st *staging) own(path string) error {
	if !st.boxed {
		return nil
	}
	return os.Lchown(path, st.uid, st.gid)
}

// place puts in at st.input for the box to read: a hard link when the
// box's user may read in already (the usual case: files are made 0644),
// else, or across file systems, a copy it may read.
func (st *staging) place(in string) error {
	fi, err := os.Stat(in)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("ffmpeg: %s is not a regular file", in)
	}
	if st.mayRead(fi) && os.Link(in, st.input) == nil {
		return nil
	}
	src, err := os.Open(in)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(st.input, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// mayRead reports whether the box's user may read a file with fi's owner
// and mode.
func (st *staging) mayRead(fi os.FileInfo) bool {
	if !st.boxed {
		return true
	}
	sys, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	perm := fi.Mode().Perm()
	switch {
	case int(sys.Uid) == st.uid:
		return perm&0o400 != 0
	case int(sys.Gid) == st.gid:
		return perm&0o040 != 0
	default:
		return perm&0o004 != 0
	}
}

// deliver moves the box's output to out, replacing it. The box is gone by
// now; what it left must be one regular file (not a symlink to a host
// file, not a link to another), and not empty. It becomes the server's.
func (st *staging) deliver(out string) error {
	src := filepath.Join(st.outDir, filepath.Base(boxOutput))
	fi, err := os.Lstat(src)
	if errors.Is(err, os.ErrNotExist) {
		return errEmptyOutput
	}
	if err != nil {
		return err
	}
	if sys, ok := fi.Sys().(*syscall.Stat_t); !fi.Mode().IsRegular() || !ok || sys.Nlink != 1 {
		return fmt.Errorf("ffmpeg: the box left %s as its output, not a plain file", fi.Mode().Type())
	}
	if fi.Size() == 0 {
		return errEmptyOutput
	}
	if st.boxed {
		if err := os.Lchown(src, os.Getuid(), os.Getgid()); err != nil {
			return err
		}
	}
	return moveFile(src, out)
}

// moveFile renames src to dst, or where they are on different file
// systems copies it to a temporary file beside dst and renames that, so
// dst is only ever whole.
func moveFile(src, dst string) error {
	err := os.Rename(src, dst)
	var le *os.LinkError
	if err == nil || !errors.As(err, &le) || !errors.Is(le.Err, syscall.EXDEV) {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".media-*"+filepath.Ext(dst))
	if err != nil {
		return err
	}
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

func (st *staging) remove() { os.RemoveAll(st.dir) }

// fileSize is the size of the file at path, from which a command's output
// cap is reckoned.
func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

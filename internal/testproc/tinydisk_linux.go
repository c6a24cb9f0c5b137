package testproc

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// envTinyDisk tells a test binary that it is TinyDisk's child, and the
// size of the disk to mount.
const envTinyDisk = "ANYHOUR_TINYDISK_BYTES"

// TinyDisk gives t a real disk that fills up: a tmpfs of size bytes.
//
// Mounting needs a mount namespace of its own, which the test process
// cannot enter alone (it has threads), so TinyDisk runs t again in a child
// test process made with new user and mount namespaces (as `unshare
// --user --map-root-user --mount` would make it; no privilege is needed,
// and as root nothing outside the child sees the mount). In the parent it
// waits for the child, fails t with the child's output if the child
// failed, and returns ok false: the test returns at once. In the child it
// mounts the tmpfs on a temporary directory, unmounted when t ends, and
// returns its path with ok true. If the kernel refuses the namespaces
// (some container runtimes do), t is skipped, loudly.
func TinyDisk(t *testing.T, size int64) (dir string, ok bool) {
	t.Helper()
	if v := os.Getenv(envTinyDisk); v != "" {
		return mountTmpfs(t, v)
	}
	args := []string{"-test.run=" + runPattern(t.Name()), "-test.count=1", "-test.v"}
	if d, ok := t.Deadline(); ok {
		args = append(args, "-test.timeout="+time.Until(d).Round(time.Second).String())
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), envTinyDisk+"="+strconv.FormatInt(size, 10))
	var out Output
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:                 syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		GidMappingsEnableSetgroups: false,
	}
	DieWithParent(cmd.SysProcAttr)
	if err := cmd.Start(); err != nil {
		skip := t.Skipf
		if os.Getenv("CI") == "true" { // CI runs where namespaces are allowed: a refusal is a failure there
			skip = t.Fatalf
		}
		skip("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"+
			"!!! %s needs a disk that fills up: a tmpfs mounted in user and mount\n"+
			"!!! namespaces of its own, which this kernel refuses (%v).\n"+
			"!!! Allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1,\n"+
			"!!! or a container runtime that permits them) to run it.\n"+
			"!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", t.Name(), err)
	}
	err := cmd.Wait()
	text := out.String()
	switch {
	case err != nil:
		t.Fatalf("on a tiny disk, in a child process: %v\n%s", err, text)
	case strings.Contains(text, "--- SKIP: "+t.Name()) && !strings.Contains(text, "--- PASS: "+t.Name()):
		t.Skipf("skipped on a tiny disk, in a child process:\n%s", text)
	case !strings.Contains(text, "--- PASS: "+t.Name()):
		t.Fatalf("on a tiny disk, in a child process, the test did not run:\n%s", text)
	}
	t.Logf("ran on a tiny disk (%d bytes), in a child process:\n%s", size, text)
	return "", false
}

// runPattern is the -test.run pattern that selects the test named name
// alone, subtests included in the name.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

func mountTmpfs(t *testing.T, size string) (string, bool) {
	t.Helper()
	// Nothing mounted here may reach the parent's namespace.
	if err := syscall.Mount("none", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		t.Fatalf("tiny disk: make mounts private: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "tiny")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size="+size+",mode=0700"); err != nil {
		t.Fatalf("tiny disk: mount a tmpfs of %s bytes: %v", size, err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir, true
}

// Fill writes a file into dir until the disk it is on is full, and
// returns a function that removes it again, freeing the space.
func Fill(t testing.TB, dir string) (free func()) {
	t.Helper()
	path := filepath.Join(dir, "ballast")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatalf("fill %s: %v", dir, err)
	}
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill %s: %v", dir, err)
			}
			break
		}
	}
	f.Close()
	return func() {
		t.Helper()
		if err := os.Remove(path); err != nil {
			t.Fatalf("free %s: %v", dir, err)
		}
	}
}

// Used reports the bytes taken on the disk dir is on, for messages.
func Used(dir string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%d of %d bytes free", st.Bavail*uint64(st.Bsize), st.Blocks*uint64(st.Bsize))
}

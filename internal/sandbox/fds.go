package sandbox

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// SealInherited marks every open descriptor above 2 close-on-exec and
// returns how many were not. Go opens its own files close-on-exec, but a
// process inherits whatever its parent left open without the flag (a
// careless wrapper script, a supervisor), and the kernel hands every such
// descriptor to each program the process runs: bubblewrap passes them on
// into the box, where /proc/self/fd/N would open the server's data
// directory. The server calls this first thing at start, and New calls it
// again in case the caller did not.
func SealInherited() (int, error) {
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return 0, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return 0, err
	}
	self := int(d.Fd())
	n := 0
	for _, name := range names {
		fd, err := strconv.Atoi(name)
		if err != nil || fd <= 2 || fd == self {
			continue
		}
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err != nil || flags&unix.FD_CLOEXEC != 0 {
			continue
		}
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, flags|unix.FD_CLOEXEC); err == nil {
			n++
		}
	}
	return n, nil
}

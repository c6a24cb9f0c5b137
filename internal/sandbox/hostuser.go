package sandbox

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// HostUser reports the host user (and group) boxes run as, so that a
// caller can hand them a directory they must write to or read. ok is
// false when the server is not root: boxes then run as the server's own
// user, who owns whatever the server makes.
func (b *Box) HostUser() (uid, gid int, ok bool) {
	if b.cred == nil {
		return 0, 0, false
	}
	return int(b.cred.Uid), int(b.cred.Gid), true
}

func credential(id int) *syscall.Credential {
	return &syscall.Credential{Uid: uint32(id), Gid: uint32(id), Groups: []uint32{}}
}

// sharedUsers says which of the box users' ids some account or group on
// the machine already has: processes running as it could signal or read
// the boxes' processes, and boxes could reach what it owns.
func sharedUsers(ids ...int) []string {
	var problems []string
	for _, db := range []string{"/etc/passwd", "/etc/group"} {
		f, err := os.Open(db)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Split(sc.Text(), ":")
			if len(fields) < 3 {
				continue
			}
			n, err := strconv.Atoi(fields[2])
			if err != nil {
				continue
			}
			for _, id := range ids {
				if n == id {
					problems = append(problems, fmt.Sprintf("the box id %d is also %q in %s: choose another with ANYHOUR_SANDBOX_UID", id, fields[0], db))
				}
			}
		}
		f.Close()
	}
	return problems
}

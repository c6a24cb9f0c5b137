package sandbox

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// Check runs a tiny program in the box and reports what works on this
// machine, for the worker's start-up log and `anyhour doctor`. A Report
// with no Problems means every layer described in doc.go is in place.
func (b *Box) Check(ctx context.Context) Report {
	rep := Report{
		Bwrap:       b.bwrap,
		Version:     b.version,
		Cgroups:     b.cg.version,
		MemoryLimit: b.cg.memoryDir != "",
		PidsLimit:   b.cg.pidsDir != "",
	}
	if uid, _, ok := b.HostUser(); ok {
		rep.UID = uid
	}
	rep.Problems = append(rep.Problems, b.problems...)
	rep.Problems = append(rep.Problems, b.cg.problems...)
	if data, err := os.ReadFile("/proc/sys/user/max_user_namespaces"); err == nil && strings.TrimSpace(string(data)) == "0" {
		rep.Problems = append(rep.Problems, "user namespaces are disabled (sysctl user.max_user_namespaces=0); bwrap cannot build a box")
	}
	if !b.features.disableUserns {
		rep.Problems = append(rep.Problems, "bwrap "+b.version+" has no --disable-userns: boxed programs can create nested user namespaces (0.8+ recommended)")
	}
	rep.Sealed = b.sealed
	res, err := b.Run(ctx, Command{Args: []string{"/bin/sh", "-c", checkScript}, Limits: Limits{Wall: 5 * time.Second}})
	if err != nil {
		rep.Problems = append(rep.Problems, "running a program in the box failed: "+err.Error())
		return rep
	}
	got := strings.Split(string(res.Stdout), "\n")
	want := []string{fmt.Sprint(boxUID), "CapEff:\t0000000000000000", "0 1 2 3", "Seccomp:\t2"}
	if b.seccomp == nil {
		want[3] = "Seccomp:\t0"
	}
	if res.ExitCode != 0 || len(got) < len(want) {
		rep.Problems = append(rep.Problems, fmt.Sprintf("the box's test program printed %q (exit %d, stderr %q), want %q",
			res.Stdout, res.ExitCode, res.Stderr, strings.Join(want, "\n")))
		return rep
	}
	rep.UserNamespaces = got[0] == want[0] && got[1] == want[1]
	if !rep.UserNamespaces {
		rep.Problems = append(rep.Problems, fmt.Sprintf("in the box the user is %q with %q, want %q with no capabilities", got[0], got[1], want[0]))
	}
	if got[2] != want[2] {
		rep.Problems = append(rep.Problems, fmt.Sprintf("a program in the box has the descriptors %q, want only its standard streams (and ls's own: %q)", got[2], want[2]))
	}
	rep.Seccomp = b.seccomp != nil && got[3] == want[3]
	if b.seccomp != nil && !rep.Seccomp {
		rep.Problems = append(rep.Problems, fmt.Sprintf("the seccomp filter is not in place in the box (%q)", got[3]))
	}
	return rep
}

// checkScript prints, in the box: the user, its capabilities, its open
// descriptors (ls's own directory is the 3) and its seccomp mode.
const checkScript = `id -u; grep ^CapEff: /proc/self/status; echo $(ls /proc/self/fd); grep ^Seccomp: /proc/self/status`

// String formats the report for a log line or a terminal.
func (r Report) String() string {
	var sb strings.Builder
	bw := r.Bwrap
	if bw == "" {
		bw = "missing"
	}
	fmt.Fprintf(&sb, "bwrap %s %s, user namespaces %v, cgroups %s (memory limit %v, pids limit %v), seccomp filter %v",
		bw, r.Version, r.UserNamespaces, r.Cgroups, r.MemoryLimit, r.PidsLimit, r.Seccomp)
	if r.UID != 0 {
		fmt.Fprintf(&sb, ", boxes run as host users %d and %d", r.UID, r.UID+1)
	}
	if r.Sealed > 0 {
		fmt.Fprintf(&sb, "; %d descriptors the server inherited without close-on-exec were closed to boxes", r.Sealed)
	}
	for _, p := range r.Problems {
		sb.WriteString("\n  problem: " + p)
	}
	return sb.String()
}

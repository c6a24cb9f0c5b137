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
	rep.Problems = append(rep.Problems, b.problems...)
	rep.Problems = append(rep.Problems, b.cg.problems...)
	if data, err := os.ReadFile("/proc/sys/user/max_user_namespaces"); err == nil && strings.TrimSpace(string(data)) == "0" {
		rep.Problems = append(rep.Problems, "user namespaces are disabled (sysctl user.max_user_namespaces=0); bwrap cannot build a box")
	}
	if !b.features.disableUserns {
		rep.Problems = append(rep.Problems, "bwrap "+b.version+" has no --disable-userns: boxed programs can create nested user namespaces (0.8+ recommended)")
	}
	res, err := b.Run(ctx, Command{
		Args:   []string{"/bin/sh", "-c", "id -u; grep ^CapEff: /proc/self/status"},
		Limits: Limits{Wall: 5 * time.Second},
	})
	want := fmt.Sprintf("%d\nCapEff:\t0000000000000000\n", boxUID)
	switch {
	case err != nil:
		rep.Problems = append(rep.Problems, "running a program in the box failed: "+err.Error())
	case res.ExitCode != 0 || string(res.Stdout) != want:
		rep.Problems = append(rep.Problems, fmt.Sprintf("the box's test program printed %q (exit %d, stderr %q), want %q",
			res.Stdout, res.ExitCode, res.Stderr, want))
	default:
		rep.UserNamespaces = true
	}
	return rep
}

// String formats the report for a log line or a terminal.
func (r Report) String() string {
	var sb strings.Builder
	bw := r.Bwrap
	if bw == "" {
		bw = "missing"
	}
	fmt.Fprintf(&sb, "bwrap %s %s, user namespaces %v, cgroups %s (memory limit %v, pids limit %v)",
		bw, r.Version, r.UserNamespaces, r.Cgroups, r.MemoryLimit, r.PidsLimit)
	for _, p := range r.Problems {
		sb.WriteString("\n  problem: " + p)
	}
	return sb.String()
}

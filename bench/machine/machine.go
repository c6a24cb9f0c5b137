// Package machine says what the benchmarks ran on, for their reports.
package machine

import (
	"bufio"
	"os"
	"strings"
)

// CPU is the processor's name from /proc/cpuinfo, or "unknown CPU".
func CPU() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

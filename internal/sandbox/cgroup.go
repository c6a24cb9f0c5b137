package sandbox

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// cgroupPrefix names the per-run cgroups, followed by the server's pid and
// a counter, so that a restarted server can find and remove the ones a
// crashed predecessor left behind.
const cgroupPrefix = "anyhour-sandbox-"

// cgroups is what New found: where per-run cgroups for each controller can
// be made. An empty dir means that controller is not usable.
type cgroups struct {
	version   string // "v1", "v2" or "none"
	memoryDir string // parent of per-run memory cgroups
	pidsDir   string // parent of per-run pids cgroups (the same dir on v2)
	cpuDir    string // v1 only: parent of per-run cpuacct cgroups
	memsw     bool   // v1 memory.memsw.* exists (swap accounting)
	problems  []string
}

// runSeq numbers the runs, and New's probes, of every Box in the process,
// so that two Boxes (a test's beside the app's) never name a cgroup
// alike: a clash failed one run and removed the other's cgroup.
var runSeq atomic.Int64

// detectCgroups finds the memory and pids controllers, v1 or v2, under the
// server's own cgroup (so no global privileges are needed beyond write
// access to that subtree), and proves each usable by making and removing a
// child cgroup. On a hybrid machine a v1 controller wins over v2. It also
// finds v1's cpuacct, to measure CPU time (v2 has cpu.stat everywhere):
// bwrap's outer process exits without reaping the box's processes, so the
// CPU time in its rusage is only its own.
func detectCgroups() *cgroups {
	cg := &cgroups{version: "none"}
	mounts, err := cgroupMounts()
	if err != nil {
		cg.problems = append(cg.problems, "cgroups: "+err.Error())
		return cg
	}
	own, err := ownCgroups()
	if err != nil {
		cg.problems = append(cg.problems, "cgroups: "+err.Error())
		return cg
	}
	if m, ok := mounts.v1["cpuacct"]; ok {
		if p, ok := own.v1["cpuacct"]; ok && probeCgroup(m.join(p)) == nil {
			cg.cpuDir = m.join(p)
			cleanStale(cg.cpuDir)
		}
	}
	for _, ctrl := range []string{"memory", "pids"} {
		dir, version := "", ""
		if m, ok := mounts.v1[ctrl]; ok {
			if p, ok := own.v1[ctrl]; ok {
				dir, version = m.join(p), "v1"
			}
		}
		if dir == "" && mounts.v2.point != "" && own.v2 != "" {
			d := mounts.v2.join(own.v2)
			if err := enableV2(d, ctrl); err != nil {
				cg.problems = append(cg.problems, fmt.Sprintf("cgroups: v2 %s controller: %v", ctrl, err))
				continue
			}
			dir, version = d, "v2"
		}
		if dir == "" {
			cg.problems = append(cg.problems, fmt.Sprintf("cgroups: no %s controller mounted (limit falls back to rlimits)", ctrl))
			continue
		}
		if err := probeCgroup(dir); err != nil {
			cg.problems = append(cg.problems, fmt.Sprintf("cgroups: cannot create a %s cgroup under %s: %v", ctrl, dir, err))
			continue
		}
		cleanStale(dir)
		if ctrl == "memory" {
			cg.memoryDir = dir
		} else {
			cg.pidsDir = dir
		}
		if cg.version == "none" || version == "v1" {
			cg.version = version
		}
	}
	if cg.version == "v1" && cg.memoryDir != "" {
		_, err := os.Stat(filepath.Join(cg.memoryDir, "memory.memsw.limit_in_bytes"))
		cg.memsw = err == nil
	}
	return cg
}

// mountPoint is one cgroup hierarchy: where it is mounted and which cgroup
// path its mount root is.
type mountPoint struct{ point, root string }

func (m mountPoint) join(cgroupPath string) string {
	rel := strings.TrimPrefix(cgroupPath, m.root)
	return filepath.Join(m.point, rel)
}

type cgroupMountSet struct {
	v1 map[string]mountPoint // controller -> mount
	v2 mountPoint
}

// cgroupMounts reads /proc/self/mountinfo for cgroup and cgroup2 mounts.
func cgroupMounts() (cgroupMountSet, error) {
	set := cgroupMountSet{v1: map[string]mountPoint{}}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return set, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// 35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		a, b := strings.Fields(pre), strings.Fields(post)
		if len(a) < 5 || len(b) < 3 {
			continue
		}
		mp := mountPoint{point: a[4], root: a[3]}
		switch b[0] {
		case "cgroup2":
			if set.v2.point == "" {
				set.v2 = mp
			}
		case "cgroup":
			for _, opt := range strings.Split(b[2], ",") {
				if opt == "memory" || opt == "pids" || opt == "cpuacct" {
					set.v1[opt] = mp
				}
			}
		}
	}
	return set, sc.Err()
}

type ownCgroupSet struct {
	v1 map[string]string // controller -> path
	v2 string
}

// ownCgroups reads /proc/self/cgroup: the server's own place in each
// hierarchy, under which the per-run cgroups go.
func ownCgroups() (ownCgroupSet, error) {
	set := ownCgroupSet{v1: map[string]string{}}
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return set, err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		// 4:memory:/process_api/cee9  or  0::/system.slice/anyhour.service
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			set.v2 = parts[2]
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			set.v1[c] = parts[2]
		}
	}
	return set, nil
}

// enableV2 makes ctrl available to the children of dir. On v2 a cgroup
// that holds processes cannot hand controllers to its children ("no
// internal processes"), so if dir holds the server itself, the server is
// first moved to a leaf dir/anyhour-server, as a systemd unit with
// Delegate=yes would. Untested on this project's CI machine (cgroup v1).
func enableV2(dir, ctrl string) error {
	avail, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	if err != nil {
		return err
	}
	if !hasWord(string(avail), ctrl) {
		return fmt.Errorf("not in %s/cgroup.controllers", dir)
	}
	sub := filepath.Join(dir, "cgroup.subtree_control")
	if cur, err := os.ReadFile(sub); err == nil && hasWord(string(cur), ctrl) {
		return nil
	}
	err = os.WriteFile(sub, []byte("+"+ctrl), 0)
	if !errors.Is(err, syscall.EBUSY) {
		return err
	}
	leaf := filepath.Join(dir, "anyhour-server")
	if err := os.Mkdir(leaf, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	self := []byte(strconv.Itoa(os.Getpid()))
	if err := os.WriteFile(filepath.Join(leaf, "cgroup.procs"), self, 0); err != nil {
		return err
	}
	return os.WriteFile(sub, []byte("+"+ctrl), 0)
}

func hasWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}

func probeCgroup(dir string) error {
	p := filepath.Join(dir, fmt.Sprintf("%sprobe-%d-%d", cgroupPrefix, os.Getpid(), runSeq.Add(1)))
	if err := os.Mkdir(p, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return os.Remove(p)
}

// cleanStale kills what is left in per-run cgroups of a server process
// that no longer exists, and removes them.
func cleanStale(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name, ok := strings.CutPrefix(e.Name(), cgroupPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		pidStr, _, _ := strings.Cut(name, "-")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid == os.Getpid() || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue
		}
		killCgroup(filepath.Join(dir, e.Name()), time.Second)
		os.Remove(filepath.Join(dir, e.Name()))
	}
}

// runCgroup is the pair of cgroups (memory, pids) of one run. On v2 both
// fields name the same directory.
type runCgroup struct {
	version string
	memory  string
	pids    string
	cpu     string // v1 cpuacct
}

// create makes the cgroups for one run and writes their limits.
func (cg *cgroups) create(l Limits) (_ *runCgroup, err error) {
	name := fmt.Sprintf("%s%d-%d", cgroupPrefix, os.Getpid(), runSeq.Add(1))
	rc := &runCgroup{version: cg.version}
	defer func() {
		if err != nil {
			rc.remove()
		}
	}()
	if cg.memoryDir != "" {
		rc.memory = filepath.Join(cg.memoryDir, name)
		if err := os.Mkdir(rc.memory, 0o755); err != nil {
			return nil, err
		}
		mem := strconv.FormatInt(l.MemoryBytes, 10)
		if cg.version == "v1" {
			if err := writeFile(rc.memory, "memory.limit_in_bytes", mem); err != nil {
				return nil, err
			}
			if cg.memsw {
				if err := writeFile(rc.memory, "memory.memsw.limit_in_bytes", mem); err != nil {
					return nil, err
				}
			}
		} else {
			if err := writeFile(rc.memory, "memory.max", mem); err != nil {
				return nil, err
			}
			writeFile(rc.memory, "memory.swap.max", "0")  // absent without swap accounting
			writeFile(rc.memory, "memory.oom.group", "1") // kill the whole box on OOM
		}
	}
	if cg.pidsDir != "" {
		rc.pids = filepath.Join(cg.pidsDir, name)
		if rc.pids != rc.memory {
			if err := os.Mkdir(rc.pids, 0o755); err != nil {
				return nil, err
			}
		}
		if err := writeFile(rc.pids, "pids.max", strconv.Itoa(l.Processes)); err != nil {
			return nil, err
		}
	}
	if cg.version == "v1" && cg.cpuDir != "" {
		rc.cpu = filepath.Join(cg.cpuDir, name)
		if err := os.Mkdir(rc.cpu, 0o755); err != nil {
			return nil, err
		}
	}
	return rc, nil
}

// setMemory changes a running box's memory limit (and, on v1 with swap
// accounting, memory+swap, in the order the kernel accepts).
func (rc *runCgroup) setMemory(n int64) error {
	if rc.memory == "" {
		return nil
	}
	v := strconv.FormatInt(n, 10)
	if rc.version != "v1" {
		return writeFile(rc.memory, "memory.max", v)
	}
	memsw := filepath.Join(rc.memory, "memory.memsw.limit_in_bytes")
	if _, err := os.Stat(memsw); err != nil {
		return writeFile(rc.memory, "memory.limit_in_bytes", v)
	}
	// memsw may never be below the memory limit: raise it first when
	// growing, lower it last when shrinking.
	cur := readInt(rc.memory, "memory.limit_in_bytes")
	if n > cur {
		if err := writeFile(rc.memory, "memory.memsw.limit_in_bytes", v); err != nil {
			return err
		}
		return writeFile(rc.memory, "memory.limit_in_bytes", v)
	}
	if err := writeFile(rc.memory, "memory.limit_in_bytes", v); err != nil {
		return err
	}
	return writeFile(rc.memory, "memory.memsw.limit_in_bytes", v)
}

func writeFile(dir, name, value string) error {
	return os.WriteFile(filepath.Join(dir, name), []byte(value), 0)
}

// join moves process pid (and so all its future children) into the run's
// cgroups.
func (rc *runCgroup) join(pid int) error {
	for _, d := range rc.dirs() {
		if err := writeFile(d, "cgroup.procs", strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

func (rc *runCgroup) dirs() []string {
	var ds []string
	if rc.memory != "" {
		ds = append(ds, rc.memory)
	}
	if rc.pids != "" && rc.pids != rc.memory {
		ds = append(ds, rc.pids)
	}
	if rc.cpu != "" {
		ds = append(ds, rc.cpu)
	}
	return ds
}

// killAll kills every process in the run's cgroups and waits until they
// are empty. It reports whether they emptied in time.
func (rc *runCgroup) killAll() bool {
	ok := true
	for _, d := range rc.dirs() {
		ok = killCgroup(d, 5*time.Second) && ok
	}
	return ok
}

// killCgroup SIGKILLs the processes of one cgroup until none is left: on
// v2 with cgroup.kill, else by reading cgroup.procs in a loop (a process
// forking meanwhile is caught on the next pass; the pids limit bounds how
// many there can be).
func killCgroup(dir string, timeout time.Duration) bool {
	writeFile(dir, "cgroup.kill", "1") // v2, Linux 5.14+; harmless elsewhere
	deadline := time.Now().Add(timeout)
	for wait := 100 * time.Microsecond; ; wait = min(2*wait, 20*time.Millisecond) {
		data, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
		if err != nil {
			return errors.Is(err, os.ErrNotExist)
		}
		pids := strings.Fields(string(data))
		if len(pids) == 0 {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		for _, p := range pids {
			if pid, err := strconv.Atoi(p); err == nil && pid > 1 {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		time.Sleep(wait)
	}
}

// memoryStats reads the peak memory and whether the OOM killer fired.
func (rc *runCgroup) memoryStats() (peak int64, oom bool) {
	if rc.memory == "" {
		return 0, false
	}
	if rc.version == "v1" {
		peak = readInt(rc.memory, "memory.max_usage_in_bytes")
		oom = readKey(rc.memory, "memory.oom_control", "oom_kill") > 0
		return peak, oom
	}
	peak = readInt(rc.memory, "memory.peak") // Linux 5.19+
	oom = readKey(rc.memory, "memory.events", "oom_kill") > 0
	return peak, oom
}

// cpuTime reads the CPU time the run's processes used, or 0 if unknown.
func (rc *runCgroup) cpuTime() time.Duration {
	if rc.cpu != "" {
		return time.Duration(readInt(rc.cpu, "cpuacct.usage"))
	}
	if d := rc.dirs(); rc.version == "v2" && len(d) > 0 {
		return time.Duration(readKey(d[0], "cpu.stat", "usage_usec")) * time.Microsecond
	}
	return 0
}

func readInt(dir, name string) int64 {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	return n
}

// readKey reads "key value" lines such as memory.events.
func readKey(dir, name, key string) int64 {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, " "); ok && k == key {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

// remove deletes the run's cgroups. They must be empty (killAll first).
// A v1 memory cgroup may still be charged for pages of the box's /task
// tmpfs; the kernel lets it go regardless and frees them later.
func (rc *runCgroup) remove() {
	for _, d := range rc.dirs() {
		for i := 0; i < 50; i++ {
			err := os.Remove(d)
			if err == nil || errors.Is(err, os.ErrNotExist) {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}

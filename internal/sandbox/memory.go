package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// memoryPollInterval is how often the fallback measures the box.
const memoryPollInterval = 50 * time.Millisecond

// clockTick is USER_HZ, the unit of the times in /proc/PID/stat: 100 on
// every Linux architecture Go supports.
const clockTick = 100

// usage is what the fallback measures without cgroups.
type usage struct {
	rss int64         // resident memory of all the box's processes now
	cpu time.Duration // CPU time so far (live processes plus reaped ones)
}

// boxUsage measures the processes of the pid namespace ns (as read from
// /proc/PID/ns/pid), whose pid 1 is init. It is the fallback where there
// are no cgroups: the memory limit can miss a spike shorter than
// memoryPollInterval, tmpfs pages are not counted (the tmpfs sizes bound
// those), and the CPU time misses the last interval before the end.
func boxUsage(ns string, init int) usage {
	var u usage
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return u
	}
	page := int64(os.Getpagesize())
	for _, e := range entries {
		name := e.Name()
		if name[0] < '0' || name[0] > '9' {
			continue
		}
		if l, err := os.Readlink("/proc/" + name + "/ns/pid"); err != nil || l != ns {
			continue
		}
		if f := fields("/proc/" + name + "/statm"); len(f) > 1 {
			u.rss += atoi(f[1]) * page
		}
		// Fields after "(comm)": state is [0], utime [11], stime [12],
		// cutime [13], cstime [14]. pid 1 reaps everything in the box, so
		// its cutime and cstime hold the processes already gone.
		f := statFields("/proc/" + name + "/stat")
		if len(f) < 15 {
			continue
		}
		ticks := atoi(f[11]) + atoi(f[12])
		if name == strconv.Itoa(init) {
			ticks += atoi(f[13]) + atoi(f[14])
		}
		u.cpu += time.Duration(ticks) * time.Second / clockTick
	}
	return u
}

func fields(file string) [][]byte {
	data, _ := os.ReadFile(file)
	return bytes.Fields(data)
}

// statFields returns the fields of /proc/PID/stat after "(comm)", which
// may itself hold spaces and parentheses.
func statFields(file string) [][]byte {
	data, _ := os.ReadFile(file)
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return nil
	}
	return bytes.Fields(data[i+1:])
}

func atoi(b []byte) int64 {
	n, _ := strconv.ParseInt(string(b), 10, 64)
	return n
}

// ppid returns the parent pid of pid, or -1.
func ppid(pid int) int {
	f := statFields(fmt.Sprintf("/proc/%d/stat", pid))
	if len(f) < 2 {
		return -1
	}
	return int(atoi(f[1]))
}

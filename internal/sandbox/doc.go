// Package sandbox runs untrusted programs (candidates' code, the tests that
// judge it, ffmpeg on uploaded files) with bubblewrap, on the team's own
// server.
//
// # Threat model
//
// The program is hostile. It may try to read the server's data (the
// database file, uploaded videos, ANYHOUR_* variables), reach the network
// (the server's own port, PostgreSQL on 127.0.0.1:5432, the internet),
// outlive its run (daemonise, setsid, ignore signals), or deny service
// (fork bomb, memory bomb, infinite loop, filling a disk, flooding its
// output). It runs on the same kernel as the server, so a kernel
// vulnerability is out of scope; each layer below narrows what such a bug
// could reach.
//
// # Layers
//
// Namespaces (bwrap --unshare-all): a new mount, pid, network, IPC, UTS and
// cgroup namespace and a user namespace in which the program is uid and
// gid 65534 with no capabilities (--cap-drop ALL) and cannot create nested
// user namespaces (--disable-userns, bwrap 0.8+). On the host the box is
// a user of its own (below), not the shared nobody. The network namespace
// holds only a loopback device: no route to the host's 127.0.0.1, no DNS
// (there is no /etc either), no internet. The environment is exactly
// Command.Env (--clearenv; bwrap adds PWD=/task). --new-session detaches
// the terminal; --die-with-parent kills the box if the server dies.
//
// Files: the root is an empty tmpfs remounted read-only. Only /usr is bound
// from the host, read-only, with the top-level /bin, /lib, /lib64, /sbin
// recreated as on the host (symlinks into /usr on Debian 12), plus
// Command.Binds (a toolchain such as /usr/local/go). No /etc, /home, /var,
// /root or /run, so no server data is even visible. /proc is the box's own
// (its pid namespace: no host process is visible; /proc/sys read-only),
// though system-wide files such as /proc/cpuinfo remain readable. /dev
// holds only null, zero, full, random, urandom, tty, pts and shm, and is
// remounted read-only. Three private tmpfs are writable, each capped with
// bwrap's --size: /tmp and /dev/shm (TmpBytes each) and /task (TmpBytes
// plus the size of Command.Files).
// Nothing is written to the host's disk: Command.Files reach /task through
// memfds and bwrap's --file, and /task is read back for Command.Collect
// through /proc/PID/root/task, a handle taken before the program starts
// and held until the run ends (the tmpfs lives as long as that handle).
// Collect refuses symlinks, FIFOs and anything but regular files.
//
// Why bwrap runs as a user of its own: run by root with --unshare-user,
// bwrap maps the box's user to host root. Without capabilities that user
// is still the owner of every root-owned inode it can see: it could chmod
// the host's /dev/null (we tried). So when the server is root, bwrap is
// started as host uid/gid Options.UID (DefaultUID, 2000000000: far above
// what Debian, systemd and container id maps hand out, and never the
// nobody other daemons share) and uses unprivileged user namespaces; the
// box's processes are then that host user too. A Command with Peer runs
// as UID+1 instead: two boxes that talk through pipes (a candidate's code
// and the tests judging it) then share neither a user nor anything else.
// New reports (Check's Problems) an id that /etc/passwd or /etc/group
// gives to someone. A consequence: Bind sources must be readable (and
// Writable ones writable) by that user; HostUser names it. When the server
// is not root, bwrap runs as the server's user.
//
// Descriptors: the program has its standard streams and Command.ExtraFiles
// (as 3, 4, ...) and nothing else. bwrap closes the descriptors it uses
// itself (--info-fd, --block-fd, --file, --seccomp), but passes on
// whatever else it inherits; and a process inherits, across exec, every
// descriptor its parent left open without close-on-exec. A server started
// by a careless wrapper with a descriptor on its data directory would so
// hand that directory to every box (TestInheritedDescriptor shows it
// happening). SealInherited marks every descriptor above 2 close-on-exec:
// the server calls it first thing, New again; Check lists the box's
// descriptors and reports any stranger.
//
// System calls: a seccomp filter (seccomp.go, given to bwrap's --seccomp)
// refuses with EPERM what no task needs and what reaches past the box's
// own processes or widens the kernel's surface: ptrace, process_vm_*,
// kcmp, pidfd_getfd, bpf, perf_event_open, userfaultfd, the keyring,
// mounts, unshare and setns, modules, kexec, swap, reboot, and more;
// io_uring answers ENOSYS. A call through another architecture's entry
// (int 0x80, x32) kills the program, since a list of numbers cannot cover
// it. bwrap installs the filter just before it executes the program, so
// the program and everything it starts run under it.
//
// Limits, set on the box's first process (bwrap's pid 1) while it waits on
// --block-fd, after the mounts and before it forks the program, so the
// program never runs unlimited: RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_NOFILE,
// RLIMIT_CORE=0 and RLIMIT_NPROC, with prlimit(2) (or util-linux prlimit(1)
// run as the box's host user where root lacks CAP_SYS_RESOURCE, as in some
// containers). RLIMIT_NPROC counts per user namespace since Linux 5.14
// (ucounts), and every box has its own user namespace whose creator, bwrap,
// keeps the server's limit: concurrent boxes sharing a host user do not
// share the budget. Older kernels count per host uid, so there concurrent
// boxes would; the pids cgroup is exact either way. RLIMIT_AS is never set:
// Go and Node reserve far more address space than they use.
//
// Cgroups, v1 or v2, found at New under the server's own cgroup (this
// project's machine: v1, memory at /process_api/<id>, pids at /): per run a
// child cgroup with memory.limit_in_bytes and memory.memsw.limit_in_bytes
// (v1) or memory.max, memory.swap.max=0 and memory.oom.group (v2), and
// pids.max. bwrap's pid 1 joins them while blocked, so every later process
// of the box is inside. The memory limit covers the program's memory and
// the pages of its tmpfs; an OOM kill sets MemoryExceeded (oom_kill in
// memory.oom_control or memory.events). CPU time comes from cpuacct (v1)
// or cpu.stat (v2), since bwrap's outer process does not reap the box and
// its rusage holds only itself. After the run, every process left in the
// cgroups is killed and the cgroups removed; cgroups of a crashed server
// are cleaned at the next New.
//
// Without cgroups (Check lists why), memory falls back to RLIMIT_DATA per
// process plus polling the resident memory of all the box's processes
// every 50 ms and killing the box when the sum passes MemoryBytes: a spike
// shorter than that can pass, tmpfs pages are bounded by the tmpfs sizes
// only. Processes fall back to RLIMIT_NPROC alone; CPU time and peak memory
// are polled, so the last 50 ms may be missed.
//
// Killing: on the wall clock (or ctx), SIGKILL goes to the box's pid 1
// through a pidfd (no pid reuse race) and to bwrap. When a pid namespace's
// init dies the kernel kills everything in it, daemonised grandchildren
// included: no process can leave the namespace. Run returns only after
// that pid 1 is gone and the cgroups are empty.
//
// Starting ahead: Start builds a box and lets its program go with every
// limit in place but the wall clock, for a program that loads what it can
// (an interpreter and its harness) and then waits on a descriptor for the
// rest of its work; Started.Wait starts the clock (and may set the memory
// limit) when the work is handed over. RLIMIT_CPU counts from the start,
// so a box started ahead is given enough for the longest work it may get.
//
// Output: stdout and stderr are each kept up to OutputBytes and the rest is
// read and dropped, so the program never blocks on a full pipe and 100 MB
// of output costs the server OutputBytes. Bytes are kept as produced
// (invalid UTF-8, NUL); sanitising is the caller's job.
//
// # What is not done
//
// The seccomp filter is a list of refusals, not of permissions: a system
// call it does not name is allowed if the kernel allows it to an
// unprivileged user without capabilities in a user namespace, and only on
// x86-64 and arm64 is there a filter at all. bwrap's outer process
// exits without reaping the box's pid 1, which the host's init (or the
// nearest subreaper) then reaps: in a container whose pid 1 does not reap
// (a bare Go binary), run with an init such as docker --init. bwrap reports a program
// killed by signal N as exit status 128+N, so a program that exits with
// 128+N is reported as killed by signal N. Program output is untrusted: a
// program that prints "bwrap: execvp " and exits 1 makes Run return an
// error instead of a Result.
package sandbox

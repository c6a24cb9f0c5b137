package sandbox

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// The seccomp filter every boxed program runs under. It refuses, with
// EPERM, the system calls that no task needs and that reach beyond the
// box's own process tree or widen the kernel's surface: debugging and
// reading other processes (ptrace, process_vm_*, kcmp, pidfd_getfd), eBPF
// and perf, user-space page-fault handling, the kernel keyring, mounts and
// namespaces, modules, kexec, swap, reboot, accounting and quotas,
// file-handle opens, and the kernel log. io_uring answers ENOSYS, which
// runtimes such as libuv take as "not available here" and fall back from.
// Everything else is allowed: the namespaces, the dropped capabilities and
// the limits do the rest (doc.go).
//
// A system call made through another architecture's entry (the 32-bit
// int 0x80 on x86-64, or the x32 ABI) would bypass a list of numbers, so
// any call that is not of the native architecture is refused too.
//
// The program is built here, by hand, rather than with a filter library:
// it is a dozen instructions and a list, and a library we tried lets calls
// of other architectures through when the default is to allow.

// deniedSyscalls are refused with EPERM.
var deniedSyscalls = append([]uintptr{
	unix.SYS_PTRACE,
	unix.SYS_PROCESS_VM_READV,
	unix.SYS_PROCESS_VM_WRITEV,
	unix.SYS_KCMP,
	unix.SYS_PIDFD_GETFD,
	unix.SYS_PROCESS_MADVISE,
	unix.SYS_BPF,
	unix.SYS_PERF_EVENT_OPEN,
	unix.SYS_USERFAULTFD,
	unix.SYS_KEYCTL,
	unix.SYS_ADD_KEY,
	unix.SYS_REQUEST_KEY,
	unix.SYS_MOUNT,
	unix.SYS_UMOUNT2,
	unix.SYS_MOUNT_SETATTR,
	unix.SYS_MOVE_MOUNT,
	unix.SYS_OPEN_TREE,
	unix.SYS_FSOPEN,
	unix.SYS_FSCONFIG,
	unix.SYS_FSMOUNT,
	unix.SYS_FSPICK,
	unix.SYS_PIVOT_ROOT,
	unix.SYS_CHROOT,
	unix.SYS_UNSHARE,
	unix.SYS_SETNS,
	unix.SYS_KEXEC_LOAD,
	unix.SYS_KEXEC_FILE_LOAD,
	unix.SYS_INIT_MODULE,
	unix.SYS_FINIT_MODULE,
	unix.SYS_DELETE_MODULE,
	unix.SYS_SWAPON,
	unix.SYS_SWAPOFF,
	unix.SYS_REBOOT,
	unix.SYS_ACCT,
	unix.SYS_QUOTACTL,
	unix.SYS_OPEN_BY_HANDLE_AT,
	unix.SYS_NAME_TO_HANDLE_AT,
	unix.SYS_LOOKUP_DCOOKIE,
	unix.SYS_FANOTIFY_INIT,
	unix.SYS_SYSLOG,
	unix.SYS_VHANGUP,
	unix.SYS_MIGRATE_PAGES,
	unix.SYS_MOVE_PAGES,
	unix.SYS_CLOCK_ADJTIME,
	unix.SYS_CLOCK_SETTIME,
	unix.SYS_SETTIMEOFDAY,
	unix.SYS_ADJTIMEX,
}, archDenied...)

// enosysSyscalls answer ENOSYS: "not implemented", so callers fall back.
var enosysSyscalls = []uintptr{
	unix.SYS_IO_URING_SETUP,
	unix.SYS_IO_URING_ENTER,
	unix.SYS_IO_URING_REGISTER,
}

// BPF offsets into struct seccomp_data.
const (
	seccompDataNr   = 0
	seccompDataArch = 4
)

// seccompProgram returns the filter as bubblewrap's --seccomp takes it:
// an array of struct sock_filter in native byte order. It returns nil
// where the architecture is not one we know the numbers of.
func seccompProgram() []byte {
	if auditArch == 0 {
		return nil
	}
	type insn struct {
		code   uint16
		jt, jf uint8
		k      uint32
	}
	retErrno := func(errno unix.Errno) insn {
		return insn{code: unix.BPF_RET | unix.BPF_K, k: unix.SECCOMP_RET_ERRNO | uint32(errno)}
	}
	n := len(deniedSyscalls) + len(enosysSyscalls)
	prog := []insn{
		{code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, k: seccompDataArch},
		{code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, jt: 1, jf: 0, k: auditArch},
		{code: unix.BPF_RET | unix.BPF_K, k: unix.SECCOMP_RET_KILL_PROCESS},
		{code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, k: seccompDataNr},
	}
	if x32Bit != 0 {
		// x32 calls carry the native arch but a number with this bit set.
		prog = append(prog,
			insn{code: unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K, jt: 0, jf: 1, k: x32Bit},
			retErrno(unix.ENOSYS))
	}
	// One test per call: jump to the EPERM or ENOSYS return at the end.
	for i, nr := range deniedSyscalls {
		prog = append(prog, insn{code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, jt: uint8(n - i), jf: 0, k: uint32(nr)})
	}
	for i, nr := range enosysSyscalls {
		prog = append(prog, insn{code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, jt: uint8(len(enosysSyscalls) - i + 1), jf: 0, k: uint32(nr)})
	}
	prog = append(prog,
		insn{code: unix.BPF_RET | unix.BPF_K, k: unix.SECCOMP_RET_ALLOW},
		retErrno(unix.EPERM),
		retErrno(unix.ENOSYS),
	)
	if n > 250 {
		panic(fmt.Sprintf("sandbox: %d system calls do not fit the filter's short jumps", n))
	}
	out := make([]byte, 0, 8*len(prog))
	for _, in := range prog {
		out = binary.NativeEndian.AppendUint16(out, in.code)
		out = append(out, in.jt, in.jf)
		out = binary.NativeEndian.AppendUint32(out, in.k)
	}
	return out
}

package sandbox

import "golang.org/x/sys/unix"

const (
	auditArch = unix.AUDIT_ARCH_AARCH64
	x32Bit    = 0
)

// archDenied are the calls refused on this architecture only.
var archDenied = []uintptr{unix.SYS_NFSSERVCTL}

package testproc

import "syscall"

// DieWithParent has the kernel kill the server if the test binary dies
// without running its cleanups, e.g. when go test times it out.
func DieWithParent(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}

package mailtest

import "syscall"

// dieWithParent has the kernel kill the server if the test binary dies
// without running its cleanups, e.g. when go test times it out.
func dieWithParent(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}

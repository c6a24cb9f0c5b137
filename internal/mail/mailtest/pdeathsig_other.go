//go:build !linux

package mailtest

import "syscall"

// dieWithParent does nothing here: only Linux can tie a child's life to
// its parent's.
func dieWithParent(*syscall.SysProcAttr) {}

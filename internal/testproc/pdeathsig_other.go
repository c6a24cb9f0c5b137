//go:build !linux

package testproc

import "syscall"

// DieWithParent does nothing here: only Linux can tie a child's life to
// its parent's.
func DieWithParent(*syscall.SysProcAttr) {}

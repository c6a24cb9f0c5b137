//go:build !linux

package testproc

import "testing"

// TinyDisk needs Linux's namespaces and tmpfs: elsewhere the test skips.
func TinyDisk(t *testing.T, size int64) (dir string, ok bool) {
	t.Skip("a disk that fills up (a tmpfs in namespaces of its own) needs Linux")
	return "", false
}

// Fill is TinyDisk's; it is never reached here.
func Fill(t testing.TB, dir string) (free func()) { return func() {} }

// Used is TinyDisk's; it is never reached here.
func Used(dir string) string { return "" }

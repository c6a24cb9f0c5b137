//go:build !amd64 && !arm64

package sandbox

// On other architectures there is no filter (Check says so).
const (
	auditArch = 0
	x32Bit    = 0
)

var archDenied []uintptr

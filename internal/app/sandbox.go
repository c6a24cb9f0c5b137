package app

import (
	"sync"

	"github.com/anyhour/anyhour/internal/sandbox"
)

var (
	boxOnce sync.Once
	box     *sandbox.Box
	boxErr  error
)

// sharedBox returns the process's one sandbox, made once (the first
// caller's options win): candidates' code and ffmpeg's work on uploads
// both run in its boxes. A Box is safe for concurrent use, and one Box
// means one set of options (the same host user) and one cgroup setup for
// everything the server runs boxed.
func sharedBox(opts sandbox.Options) (*sandbox.Box, error) {
	boxOnce.Do(func() { box, boxErr = sandbox.New(opts) })
	return box, boxErr
}

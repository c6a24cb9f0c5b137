package sandbox

// NewWithoutCgroups returns a Box that ignores the machine's cgroups, to
// test the rlimit and polling fallback.
func NewWithoutCgroups(opts Options) (*Box, error) {
	b, err := New(opts)
	if err != nil {
		return nil, err
	}
	b.noCgroups = true
	return b, nil
}

// Exited is exited, for a test that interrupts its wait with signals.
var Exited = exited

package search

// SetWindows replaces the passes' windows until the returned func runs,
// so that tests with a few applications go through every pass.
// Every search counts as frequent meanwhile.
func SetWindows(w ...int) (restore func()) {
	old, oldProbe := windows, probe
	windows, probe = w, 0
	return func() { windows, probe = old, oldProbe }
}

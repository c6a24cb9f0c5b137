// Package clocktest is a clock for tests: the real time, moved on by
// Advance, so that retries, leases and deadlines can be jumped over while
// everything else still sees time pass.
package clocktest

import (
	"sync"
	"time"
)

// Clock is time.Now plus an offset. The zero value is ready to use.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the real time plus the offset.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock on by d (back, if d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

package queue

import (
	"math/rand/v2"
	"time"
)

// The delay before a retry doubles with every attempt, from backoffBase
// after the first up to backoffCap.
const (
	backoffBase = 2 * time.Second
	backoffCap  = time.Hour
)

// backoff is how long to wait after the given failed attempt (1-based).
// The delay is drawn from the upper half of the exponential one ("equal
// jitter"), so tasks that failed together, say when a mail server went
// down, do not all retry in the same instant.
func backoff(attempt int) time.Duration {
	d := backoffBase
	for i := 1; i < attempt && d < backoffCap; i++ {
		d *= 2
	}
	d = min(d, backoffCap)
	return d/2 + rand.N(d/2+1)
}

package account

import (
	"strings"
	"sync"
	"time"
)

// Sign-in limits: after loginFailures failed attempts for an address or an
// email within loginWindow, further attempts are refused until the window
// has passed. The limiter lives in the process: with several anyhour
// processes an attacker gets that many tries per process, still far too
// few to guess a password.
const (
	loginFailures = 10
	loginWindow   = 15 * time.Minute
)

type loginLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
}

// allow reports whether every key is below its failure budget at now.
func (l *loginLimiter) allow(now time.Time, keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		k = strings.ToLower(k)
		if len(l.recent(now, k)) >= loginFailures {
			return false
		}
	}
	return true
}

// fail records a failed attempt against every key.
func (l *loginLimiter) fail(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		k = strings.ToLower(k)
		l.failures[k] = append(l.recent(now, k), now)
	}
	if len(l.failures) > 100_000 { // bound memory under a spray of addresses
		for k := range l.failures {
			if len(l.recent(now, k)) == 0 {
				delete(l.failures, k)
			}
		}
	}
}

func (l *loginLimiter) recent(now time.Time, k string) []time.Time {
	ts := l.failures[k]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > loginWindow {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.failures, k)
	}
	return ts
}

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

// reserve counts an attempt against every key before the password is
// checked, so that parallel guesses cannot all pass the check before any
// failure is recorded. It reports false, counting nothing, when a key is
// over its budget. A successful sign-in gives its attempt back with forgive.
func (l *loginLimiter) reserve(now time.Time, keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if len(l.recent(now, strings.ToLower(k))) >= loginFailures {
			return false
		}
	}
	for _, k := range keys {
		k = strings.ToLower(k)
		l.failures[k] = append(l.recent(now, k), now)
	}
	if len(l.failures) > 100_000 { // bound memory under a spray of addresses
		for k := range l.failures {
			l.recent(now, k)
		}
	}
	return true
}

// forgive takes back the attempt reserved at now.
func (l *loginLimiter) forgive(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		k = strings.ToLower(k)
		ts := l.failures[k]
		for i := len(ts) - 1; i >= 0; i-- {
			if ts[i].Equal(now) {
				l.failures[k] = append(ts[:i:i], ts[i+1:]...)
				break
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

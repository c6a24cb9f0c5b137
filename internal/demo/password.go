package demo

import (
	"crypto/rand"
	"time"
)

// passwordAlphabet leaves out letters and digits that are easy to misread
// (0/O, 1/l/I), since the owner's password is read off a terminal.
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newPassword returns a random password of four groups of five characters,
// about 116 bits: every seed gets its own, so no demo shares a password.
func newPassword() string {
	b := make([]byte, 0, 23)
	for i := 0; i < 20; i++ {
		if i > 0 && i%5 == 0 {
			b = append(b, '-')
		}
		b = append(b, passwordAlphabet[randIntn(len(passwordAlphabet))])
	}
	return string(b)
}

// randIntn returns a uniform random number in [0, n) from crypto/rand,
// rejecting bytes that would bias the result.
func randIntn(n int) int {
	limit := 256 - 256%n
	var c [1]byte
	for {
		if _, err := rand.Read(c[:]); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		if int(c[0]) < limit {
			return int(c[0]) % n
		}
	}
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

package blob

import (
	"strings"
	"unicode/utf8"
)

// MaxKeyLen is the longest key accepted, in bytes: S3's limit, so that a
// key valid on disk is valid in a bucket too.
const MaxKeyLen = 1024

// ValidKey reports whether key may name an object: a non-empty,
// slash-separated relative path of valid UTF-8 whose elements are not
// empty, "." or "..", with no backslash (a separator on Windows) and no
// control character such as NUL. Stores check every key with it before
// touching their backend, so a key from a request can never climb out of
// the store.
func ValidKey(key string) bool {
	if key == "" || len(key) > MaxKeyLen || !utf8.ValidString(key) {
		return false
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return false
		}
	}
	for elem := range strings.SplitSeq(key, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return false
		}
	}
	return true
}

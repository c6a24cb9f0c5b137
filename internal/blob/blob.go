// Package blob stores files and video under string keys. A Store has four
// methods, Put, Open, Stat and Delete; blob/disk implements them on a
// local directory and blob/s3 on an S3-compatible bucket, picked by
// ANYHOUR_BLOB_URL the way listmonk picks its media provider.
//
// Anything beyond those four (signed URLs, multipart uploads, ranged
// copies) will come as small optional interfaces, the way tusd attaches a
// handler for a method only when its store implements the matching
// interface. A caller checks for the capability and falls back without it:
//
//	if s, ok := store.(blob.URLSigner); ok {
//		url, err := s.SignedURL(ctx, key, 15*time.Minute)
//		…
//	}
//
// (URLSigner does not exist yet; it shows the shape.) Keep Store itself
// small, so that a new backend, or a fake in a test, stays a page of code.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
)

// Errors returned by every Store, possibly wrapped; test with errors.Is.
var (
	// ErrNotFound means no object is stored under the key.
	ErrNotFound = errors.New("blob: not found")
	// ErrInvalidKey means the key fails ValidKey; the store touched nothing.
	ErrInvalidKey = errors.New("blob: invalid key")
	// ErrFull means the store had no room left (its disk full, a quota
	// reached). It is a passing fault: requests answer 503 with
	// Retry-After, and the message says what happened, never where.
	ErrFull = &apperr.Error{Kind: apperr.ErrUnavailable,
		Message: "anyhour's storage is full just now, so this was not saved; please try again in a few minutes"}
)

// Classify returns err marked as ErrFull, its cause kept in the chain for
// logs, when it comes from a full disk or a quota; otherwise err itself.
// Stores call it on what they return; so does anything else that writes
// files for a request (package upload, for tus's own files).
func Classify(err error) error {
	if err == nil || errors.Is(err, ErrFull) {
		return err
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%w: %w", ErrFull, err)
	}
	return err
}

// Store keeps objects under keys that satisfy ValidKey. Implementations
// are safe for concurrent use.
type Store interface {
	// Put stores everything r yields under key, replacing any object
	// there, and returns the number of bytes written. Put is atomic:
	// readers see the old object or the whole new one, and if r fails
	// part-way the key keeps whatever it held before.
	Put(ctx context.Context, key string, r io.Reader) (size int64, err error)

	// Open returns the object under key for reading, or ErrNotFound.
	// The caller must Close it.
	Open(ctx context.Context, key string) (Object, error)

	// Stat describes the object under key, or returns ErrNotFound.
	Stat(ctx context.Context, key string) (Info, error)

	// Delete removes the object under key. Deleting a missing key is
	// not an error, so a retried cleanup task succeeds (S3's
	// DeleteObject behaves the same way).
	Delete(ctx context.Context, key string) error
}

// Checker is a Store that can say, cheaply, whether it works right now,
// for a readiness check: the disk store that it can write, the S3 store
// that its bucket answers.
type Checker interface {
	Check(ctx context.Context) error
}

// Object is an open stored object. Seek lets http.ServeContent answer
// range requests, which browsers need to scrub through a video.
type Object interface {
	io.ReadSeekCloser
	// Size is the object's length in bytes.
	Size() int64
	// ModTime is when the object was last written.
	ModTime() time.Time
}

// Info describes a stored object.
type Info struct {
	Size    int64     // length in bytes
	ModTime time.Time // when the object was last written
}

// Package apperr is anyhour's error vocabulary. Domain packages return
// errors of these kinds, with a message fit for the person who caused them;
// only the web and api packages turn a kind into an HTTP status. Any other
// error is internal: users see "Internal error", logs see the chain.
package apperr

import (
	"errors"
	"fmt"
)

// The kinds of error a domain package reports.
var (
	ErrNotFound        = errors.New("not found")
	ErrConflict        = errors.New("conflict")
	ErrInvalid         = errors.New("invalid")
	ErrUnauthenticated = errors.New("unauthenticated")
	ErrForbidden       = errors.New("forbidden")
	ErrRateLimited     = errors.New("rate limited")
	ErrTooLarge        = errors.New("too large")
	// ErrMethodNotAllowed is a request whose path exists but not for
	// its method.
	ErrMethodNotAllowed = errors.New("method not allowed")
	// ErrUnavailable is a passing fault of what anyhour stands on (its
	// database unreachable, its disk full): the request may succeed if
	// tried again in a few seconds.
	ErrUnavailable = errors.New("unavailable")
)

// Error is a classified error with a message safe to show to users.
type Error struct {
	Kind    error  // one of the Err* values above
	Message string // for users; never holds secrets or internals
	Field   string // the input field at fault, if any
}

func (e *Error) Error() string { return e.Message }

// Unwrap makes errors.Is(err, apperr.ErrInvalid) and the like work.
func (e *Error) Unwrap() error { return e.Kind }

// New returns an error of kind with a formatted user-facing message.
func New(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports bad input, naming the field at fault.
func Invalid(field, format string, args ...any) error {
	return &Error{Kind: ErrInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports that what was asked for does not exist for this caller.
// The message never says whether it exists for somebody else.
func NotFound(what string) error {
	return &Error{Kind: ErrNotFound, Message: what + " not found"}
}

// Conflict reports a request that clashes with the current state.
func Conflict(format string, args ...any) error {
	return New(ErrConflict, format, args...)
}

// Forbidden reports that the caller's role does not allow the action.
func Forbidden(format string, args ...any) error {
	return New(ErrForbidden, format, args...)
}

// Message returns the user-facing message of err: its own if it is
// classified, "Internal error" otherwise.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	for _, kind := range []error{ErrNotFound, ErrConflict, ErrInvalid, ErrUnauthenticated, ErrForbidden, ErrRateLimited, ErrTooLarge, ErrMethodNotAllowed, ErrUnavailable} {
		if errors.Is(err, kind) {
			return kind.Error()
		}
	}
	return "Internal error"
}

// Wrap annotates *errp with the operation that failed, keeping the chain
// for errors.Is. Use it deferred: defer apperr.Wrap(&err, "Service.Op(%d)", id).
func Wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	var e *Error
	if errors.As(*errp, &e) {
		return // already classified: its message is the one users should see
	}
	*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
}

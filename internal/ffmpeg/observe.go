package ffmpeg

import (
	"context"
	"errors"
	"time"
)

// Outcomes a command reports to Tools.Observe.
const (
	OutcomeOK        = "ok"        // done
	OutcomeRefused   = "refused"   // the file's fault: not media, beyond the limits, no sound for an audio copy
	OutcomeCancelled = "cancelled" // its context ended: a deadline, or the worker stopping
	OutcomeError     = "error"     // anything else: the sandbox, the disk, ffmpeg failing on a file it accepted
)

// Outcome classifies how a command ended; ctx is the one it ran with.
func Outcome(ctx context.Context, err error) string {
	var le *LimitError
	switch {
	case err == nil:
		return OutcomeOK
	case errors.As(err, &le), errors.Is(err, ErrNotMedia), errors.Is(err, ErrNoAudio):
		return OutcomeRefused
	case ctx.Err() != nil:
		return OutcomeCancelled
	}
	return OutcomeError
}

// observe reports a command that began at start and ended with *err to
// t.Observe, if set; it is deferred by each public command.
func (t Tools) observe(ctx context.Context, command string, start time.Time, err *error) {
	if t.Observe != nil {
		t.Observe(command, Outcome(ctx, *err), time.Since(start))
	}
}

package upload

import (
	"context"
	"log/slog"
	"time"

	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// DefaultExpiry is how long an unfinished upload is kept, at least, once
// begun (ANYHOUR_UPLOAD_EXPIRY): after it, one that nobody can finish any
// more (a candidate's, past the window in which they may resume it; a
// team member's, at once) or that the store lost is removed. Nothing
// finished is ever removed.
const DefaultExpiry = 24 * time.Hour

// The sweep runs every sweepEvery as a queue task that queues the next,
// as the daily digests' tick does: one chain for every process sharing
// the database, on whichever worker claims it.
const (
	sweepEvery = time.Hour
	sweepKind  = "upload.sweep"
)

// RegisterTasks adds the sweep to w.
func (h *Handler) RegisterTasks(w *queue.Worker) { w.Handle(sweepKind, h.sweepTask) }

// EnsureSweeping queues the first sweep unless one is waiting or running;
// each sweep queues the next. Call it when a worker starts.
func (h *Handler) EnsureSweeping(ctx context.Context) error {
	return h.cfg.DB.Transact(ctx, func(tx *sqldb.DB) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE kind = $1 AND status IN ('pending', 'running')`, sweepKind).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		_, err := queue.Enqueue(ctx, tx, sweepKind, struct{}{})
		return err
	})
}

func (h *Handler) sweepTask(ctx context.Context, t queue.Task) error {
	if _, err := queue.Enqueue(ctx, h.cfg.DB, sweepKind, struct{}{}, queue.Delay(sweepEvery)); err != nil {
		return err
	}
	if _, err := h.Sweep(ctx); err != nil {
		h.logger.Error("upload: sweep", slog.Any("error", err))
	}
	return nil
}

// Sweep removes the unfinished uploads that have expired (DefaultExpiry)
// and returns how many.
func (h *Handler) Sweep(ctx context.Context) (int, error) {
	n, err := h.cfg.Videos.ExpireUploads(ctx, h.cfg.Expiry)
	if err != nil {
		return n, err
	}
	m, err := h.cfg.Files.ExpireUploads(ctx, h.cfg.Expiry)
	if n+m > 0 {
		h.logger.Info("upload: removed unfinished uploads nobody can finish", slog.Int("uploads", n+m))
	}
	return n + m, err
}

package upload

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	tusd "github.com/tus/tusd/v2/pkg/handler"

	"github.com/anyhour/anyhour/internal/filestep"
	"github.com/anyhour/anyhour/internal/upload/uploadlock"
)

// Lost reports whether the unfinished upload tusID, whose row was written
// at created, can no longer be read back from the store: its info broken,
// or nothing there once the store had time to make it (creating). When
// the store does not answer, it is not lost. Packages video and filestep
// ask (video.UploadStore).
func (h *Handler) Lost(ctx context.Context, tusID string, created time.Time) bool {
	up, err := h.cfg.Store.GetUpload(ctx, tusID)
	if err == nil {
		_, err = up.GetInfo(ctx)
	}
	switch {
	case err == nil:
		return false
	case unreadable(err):
		return true
	case errors.Is(err, tusd.ErrNotFound):
		return time.Since(created) >= creating
	}
	return false
}

// Remove deletes what the store keeps of the unfinished upload tusID,
// readable or not, under its lock: a request still writing it is asked to
// let go first. Called from a hook of a request that holds the lock (a
// file refused as it ends), it removes at once.
func (h *Handler) Remove(ctx context.Context, tusID string) error {
	if n := noteOf(ctx); n != nil && n.locked == tusID {
		return h.cfg.Store.remove(ctx, tusID)
	}
	lock, err := h.locker.NewLock(tusID)
	if err != nil {
		return err
	}
	lctx, cancel := context.WithTimeout(uploadlock.WithTakeover(ctx), 10*time.Second)
	defer cancel()
	if err := lock.Lock(lctx, func() {}); err != nil {
		return err
	}
	defer lock.Unlock()
	return h.cfg.Store.remove(ctx, tusID)
}

// abortCreate takes back the row BeginUpload wrote for upload id (tusd's
// id before the store made it) when the store could not create the
// upload. If the database cannot be written either (a full disk under
// SQLite), the row stays uploading with nothing behind it: it is lost,
// and the next request on it, another take, a submission or the sweep
// says so.
func (h *Handler) abortCreate(ctx context.Context, id string) {
	id = uploadID(id)
	abort := h.cfg.Videos.AbortUpload
	if strings.HasPrefix(id, filestep.UploadPrefix) {
		abort = h.cfg.Files.AbortUpload
	}
	if err := abort(ctx, id); err != nil {
		h.logger.ErrorContext(ctx, "upload: taking back an upload the store could not create", slog.String("upload", id), slog.Any("error", err))
	}
}

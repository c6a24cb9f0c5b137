package upload

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"

	tusd "github.com/tus/tusd/v2/pkg/handler"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/blob"
)

// guarded is the Store tusd is given: the real one, with its errors put
// in the JSON shape (storeError), an upload it cannot read back noted for
// the handler (lost), and a creation that fails undone in the database
// too, so that nothing is left half made.
type guarded struct {
	Store
	h *Handler
}

// request notes, for one request, whether the store found its upload
// lost: gone, or there but unreadable.
type request struct {
	lost   bool
	broken bool   // unreadable, not just gone
	locked string // the upload whose lock it holds, while tusd holds it
}

type requestKey struct{}

func noteOf(ctx context.Context) *request {
	n, _ := ctx.Value(requestKey{}).(*request)
	return n
}

// fail classifies an error of the store for the client, and logs one
// that will be an internal error (its text names files on the server).
func (g guarded) fail(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	out, internal := storeError(err)
	switch {
	case internal:
		g.h.logger.ErrorContext(ctx, "upload: store", slog.Any("error", err))
	case errors.Is(blob.Classify(err), apperr.ErrUnavailable) || storeUnreachable(err):
		// A full disk or a store down: the operator must hear of it.
		g.h.logger.WarnContext(ctx, "upload: storage fault", slog.Any("error", err))
	}
	return out
}

// failRead is fail for reading an upload back, noting for the request
// in ctx an upload that is gone or unreadable.
func (g guarded) failRead(ctx context.Context, err error) error {
	if n := noteOf(ctx); n != nil && err != nil && unreadable(err) {
		// The handler says what happened, when it acts on it.
		n.lost, n.broken = true, true
		out, _ := storeError(err)
		return out
	}
	if n := noteOf(ctx); n != nil && errors.Is(err, tusd.ErrNotFound) {
		n.lost = true
	}
	return g.fail(ctx, err)
}

// unreadable reports whether err says an upload's info is there but
// cannot be read: empty, cut short or not JSON.
func unreadable(err error) bool {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	return errors.Is(err, errBroken) || errors.As(err, &syntax) || errors.As(err, &typ) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func (g guarded) NewUpload(ctx context.Context, info tusd.FileInfo) (tusd.Upload, error) {
	up, err := g.Store.NewUpload(ctx, info)
	if err != nil {
		// The recording or file BeginUpload recorded has nothing behind
		// it: take it back, so that it neither counts nor blocks.
		g.h.abortCreate(context.WithoutCancel(ctx), info.ID)
		return nil, g.fail(ctx, err)
	}
	return guardedUpload{up, g}, nil
}

func (g guarded) GetUpload(ctx context.Context, id string) (tusd.Upload, error) {
	up, err := g.Store.GetUpload(ctx, id)
	if err != nil {
		return nil, g.failRead(ctx, err)
	}
	return guardedUpload{up, g}, nil
}

func (g guarded) AsTerminatableUpload(up tusd.Upload) tusd.TerminatableUpload {
	u := up.(guardedUpload)
	return terminatable{g.Store.AsTerminatableUpload(u.Upload), g}
}

func (g guarded) AsLengthDeclarableUpload(up tusd.Upload) tusd.LengthDeclarableUpload {
	u := up.(guardedUpload)
	return declarable{g.Store.AsLengthDeclarableUpload(u.Upload), g}
}

type guardedUpload struct {
	tusd.Upload
	g guarded
}

func (u guardedUpload) GetInfo(ctx context.Context) (tusd.FileInfo, error) {
	info, err := u.Upload.GetInfo(ctx)
	return info, u.g.failRead(ctx, err)
}

// WriteChunk classifies the store's errors, not the client's: an error
// reading the request's body goes back to tusd as it came.
func (u guardedUpload) WriteChunk(ctx context.Context, offset int64, src io.Reader) (int64, error) {
	body := &bodyReader{r: src}
	n, err := u.Upload.WriteChunk(ctx, offset, body)
	if err != nil && body.err != nil && errors.Is(err, body.err) {
		return n, err
	}
	return n, u.g.fail(ctx, err)
}

// bodyReader remembers the error reading the request's body gave.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

func (u guardedUpload) GetReader(ctx context.Context) (io.ReadCloser, error) {
	r, err := u.Upload.GetReader(ctx)
	return r, u.g.fail(ctx, err)
}

func (u guardedUpload) FinishUpload(ctx context.Context) error {
	return u.g.fail(ctx, u.Upload.FinishUpload(ctx))
}

type terminatable struct {
	tusd.TerminatableUpload
	g guarded
}

func (t terminatable) Terminate(ctx context.Context) error {
	return t.g.fail(ctx, t.TerminatableUpload.Terminate(ctx))
}

type declarable struct {
	tusd.LengthDeclarableUpload
	g guarded
}

func (d declarable) DeclareLength(ctx context.Context, length int64) error {
	return d.g.fail(ctx, d.LengthDeclarableUpload.DeclareLength(ctx, length))
}

// notingLocker is the Locker tusd is given: the real one, noting in the
// request which upload's lock it holds, so that a hook running under it
// (a file refused at its end is removed) does not wait for it.
type notingLocker struct{ tusd.Locker }

func (l notingLocker) NewLock(id string) (tusd.Lock, error) {
	k, err := l.Locker.NewLock(id)
	return &notingLock{inner: k, id: id}, err
}

type notingLock struct {
	inner tusd.Lock
	id    string
	note  *request
}

func (k *notingLock) Lock(ctx context.Context, requestRelease func()) error {
	if err := k.inner.Lock(ctx, requestRelease); err != nil {
		return err
	}
	if k.note = noteOf(ctx); k.note != nil {
		k.note.locked = k.id
	}
	return nil
}

func (k *notingLock) Unlock() error {
	if k.note != nil {
		k.note.locked = ""
	}
	return k.inner.Unlock()
}

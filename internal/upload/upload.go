// Package upload mounts the tus resumable-upload protocol (tusd, as a
// library) at /api/v1/uploads/ and ties it to the packages that own what
// is uploaded: recordings (package video) and files answering a file step
// (package filestep, asked for with Upload-Metadata purpose "file"). Who
// may create an upload and for what is decided by their BeginUpload
// before tusd stores a byte; every later request on an upload is checked
// against the recording or file it carries (files' upload ids start with
// filestep.UploadPrefix); a finished upload becomes the recording's file
// or the file, and for a candidate, part of their answer.
//
// Uploads of deferred length are how the recorder uploads while it
// records: it creates the upload when recording starts, appends a chunk
// every second or two, and states the length with the last chunk.
//
// tusd keeps uploads under the blob store's "uploads/" prefix: on disk
// through a store of this package that never leaves an upload half made
// (diskStore), on S3 through tusd's S3 store, so that a finished upload is
// read back through blob.Store like any other object. Requests on one
// upload are serialised by Config.Locker: in this process (SQLite), or
// across every process on one PostgreSQL database (package uploadlock),
// so that any number of serve processes take uploads.
//
// Every error is in the API's JSON shape, tusd's own included (capture),
// and none names a file on the server. A full disk is 503 with
// Retry-After. An upload whose state the store cannot read back while it
// is unfinished (its info broken by a fault, as a disk that filled while
// it was made could do before) is lost: it is marked so in the database,
// where it neither counts as a take nor blocks another or a submission,
// whatever is left of it is removed, and the client is told (410,
// upload_lost) to send everything again as a new upload. Unfinished
// uploads nobody can finish any more are removed by a periodic task
// (sweep.go).
package upload

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	tusd "github.com/tus/tusd/v2/pkg/handler"
	expslog "golang.org/x/exp/slog"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/filestep"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/upload/uploadlock"
	"github.com/anyhour/anyhour/internal/video"
)

// BasePath is where the tus endpoint lives (docs/contracts.md).
const BasePath = "/api/v1/uploads/"

// Authenticator says who sends a request: a team member (API token or
// session) or a candidate (invitation token).
type Authenticator func(r *http.Request) (video.Viewer, error)

// Config is what Handler needs.
type Config struct {
	DB    *sqldb.DB // for the sweep's task
	Store Store
	// Locker serialises requests on one upload; nil means
	// uploadlock.NewLocal, for one process.
	Locker        tusd.Locker
	Videos        *video.Service
	Files         *filestep.Service
	Authenticate  Authenticator
	Logger        *slog.Logger
	MaxUploadSize int64 // 0: video.MaxUploadBytes
	// Expiry is how long an unfinished upload nobody can finish any
	// more is kept before the sweep removes it; 0 means DefaultExpiry.
	Expiry time.Duration
}

// Handler serves the tus protocol.
type Handler struct {
	tus    *tusd.Handler
	store  guarded
	locker tusd.Locker
	cfg    Config
	logger *slog.Logger
}

type viewerKey struct{}

// New builds the handler.
func New(cfg Config) (*Handler, error) {
	if cfg.MaxUploadSize == 0 {
		cfg.MaxUploadSize = video.MaxUploadBytes
	}
	if cfg.Locker == nil {
		cfg.Locker = uploadlock.NewLocal()
	}
	if cfg.Expiry <= 0 {
		cfg.Expiry = DefaultExpiry
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cfg: cfg, logger: cfg.Logger, locker: cfg.Locker}
	h.store = guarded{Store: cfg.Store, h: h}
	composer := tusd.NewStoreComposer()
	composer.UseCore(h.store)
	composer.UseTerminater(h.store)
	composer.UseLengthDeferrer(h.store)
	composer.UseLocker(notingLocker{cfg.Locker})
	// Takes and files ask the store whether an unfinished upload was
	// lost, and have what is left of one removed (its bytes, its info
	// and, on S3, its multipart upload) when it is given up.
	if cfg.Files != nil {
		cfg.Files.SetUploadStore(h)
	}
	if cfg.Videos != nil {
		cfg.Videos.SetUploadStore(h)
	}
	tus, err := tusd.NewHandler(tusd.Config{
		BasePath:                   BasePath,
		StoreComposer:              composer,
		MaxSize:                    cfg.MaxUploadSize,
		DisableDownload:            true, // recordings are watched through package video's checks
		DisableConcatenation:       true,
		Cors:                       &tusd.CorsConfig{Disable: true},                      // same origin only
		Logger:                     expslog.New(expslog.NewTextHandler(io.Discard, nil)), // requests are logged by httpx.Log, store errors by guarded
		PreUploadCreateCallback:    h.preCreate,
		PreFinishResponseCallback:  h.preFinish,
		PreUploadTerminateCallback: h.preTerminate,
		NotifyCreatedUploads:       true,
		// An upload's Location keeps the scheme and host the client
		// used, behind a proxy that ends TLS too; httpx.RealIP drops
		// these headers unless a trusted proxy sent them.
		RespectForwardedHeaders: true,
		// A request waits this long for another on the same upload to
		// let go (a takeover), then answers 423.
		AcquireLockTimeout: 10 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	h.tus = tus
	go h.recordTusIDs()
	return h, nil
}

// recordTusIDs notes tusd's id of each new upload, which the S3 store
// makes longer than the id it was given, so that a client whose create
// answer was lost can be pointed at it. tusd blocks until each event is
// taken, so this runs for the handler's whole life.
func (h *Handler) recordTusIDs() {
	for ev := range h.tus.CreatedUploads {
		if id := uploadID(ev.Upload.ID); id != ev.Upload.ID {
			set := h.cfg.Videos.SetTusID
			if strings.HasPrefix(id, filestep.UploadPrefix) {
				set = h.cfg.Files.SetTusID
			}
			if err := set(context.Background(), id, ev.Upload.ID); err != nil {
				h.logger.Error("upload: recording tusd's id", slog.String("upload", ev.Upload.ID), slog.Any("error", err))
			}
		}
	}
}

// ServeHTTP authenticates the request, checks that the upload it names
// belongs to the sender and fits its cap, then hands it to tusd. Errors
// tusd writes as plain text are answered in the JSON shape.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &capture{ResponseWriter: w, r: r}
	defer c.flush()
	note := &request{}
	ctx := context.WithValue(r.Context(), requestKey{}, note)
	if r.Method == http.MethodHead || r.Method == http.MethodDelete {
		// Asking where an upload stands, or ending it, takes over from
		// a request still holding it (see package uploadlock).
		ctx = uploadlock.WithTakeover(ctx)
	}
	r = r.WithContext(ctx)
	c.r = r
	h.serve(c, r, note)
}

func (h *Handler) serve(w *capture, r *http.Request, note *request) {
	if r.Method == http.MethodOptions {
		h.serveTus(w, r)
		return
	}
	who, err := h.cfg.Authenticate(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, who))
	id := strings.Trim(strings.TrimPrefix(r.URL.Path, BasePath), "/")
	if id == "" {
		// Creation only: a body (tus's creation-with-upload) would be
		// stored before any recording's cap applies. The recorder sends
		// its bytes with PATCH.
		if r.ContentLength != 0 || r.Header.Get("Content-Type") == "application/offset+octet-stream" {
			writeError(w, r, apperr.Invalid("body", "create the upload without a body, then send the bytes with PATCH"))
			return
		}
		h.serveTus(w, r)
		return
	}
	t, err := h.target(r.Context(), who, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if t.lost {
		h.answerLost(w, r, t, false)
		return
	}
	if !h.serveUpload(w, r, t.gone, t.max) {
		return
	}
	if note.broken && !t.uploading && w.holding() {
		h.logger.ErrorContext(r.Context(), "upload: a finished upload's info is unreadable", slog.String("upload", t.tusID))
	}
	if note.lost && t.uploading && w.holding() {
		// The store could not read the upload back: tusd's answer (404,
		// or an internal error) is replaced by what happened.
		w.drop()
		h.answerLost(w, r, t, !note.broken)
		return
	}
	// An upload whose last byte is in but whose end was never recorded
	// (the server stopped in between) is finished by the client's next
	// HEAD, or by a PATCH that had nothing left to write. A PATCH that
	// wrote bytes was finished, or not, by tusd: asking again would take
	// the upload's lock a second time for nothing.
	if t.uploading && (r.Method == http.MethodHead ||
		r.Method == http.MethodPatch && w.Header().Get("Upload-Offset") == r.Header.Get("Upload-Offset")) {
		t.finish(r.Context())
	}
}

// target is what an upload carries, as the handler needs it: a take or a
// file, with what may be done to it.
type target struct {
	id, tusID string
	file      bool
	created   time.Time
	uploading bool  // not finished, discarded or removed
	gone      bool  // discarded or removed: 410
	lost      bool  // lost before (its store found broken): 410 upload_lost
	max       int64 // the most bytes it may have
	finish    func(ctx context.Context)
	drop      func(ctx context.Context) error // marks it lost
}

// target finds what upload id carries, if who may touch it.
func (h *Handler) target(ctx context.Context, who video.Viewer, id string) (target, error) {
	t := target{id: uploadID(id), tusID: id}
	if strings.HasPrefix(id, filestep.UploadPrefix) {
		if who.Application == nil {
			return t, apperr.NotFound("upload")
		}
		a := *who.Application
		f, err := h.cfg.Files.UploadFor(ctx, a, t.id)
		if err != nil {
			return t, err
		}
		t.file, t.created, t.max = true, f.CreatedAt, f.MaxSize
		t.uploading, t.gone = f.Status == filestep.Uploading, f.Status == filestep.Removed
		t.finish = func(ctx context.Context) { h.finishFileIfComplete(ctx, a, id) }
		t.drop = func(ctx context.Context) error { return h.cfg.Files.DropLost(ctx, t.id) }
		return t, nil
	}
	m, err := h.cfg.Videos.UploadFor(ctx, who, t.id)
	if err != nil {
		return t, err
	}
	t.created, t.max = m.CreatedAt, m.MaxSize
	t.uploading, t.gone, t.lost = m.Status == video.Uploading, m.Status == video.Discarded, m.Lost()
	t.finish = func(ctx context.Context) { h.finishIfComplete(ctx, who, id) }
	t.drop = func(ctx context.Context) error { return h.cfg.Videos.DropLost(ctx, t.id) }
	return t, nil
}

// creating is how long after an upload's row is written its store may
// still be being made: a client told of the row (a retried create) and
// asking before the store is done hears 409, not that it is lost.
const creating = time.Minute

// answerLost answers for an unfinished upload the store cannot read back.
// It is marked lost (neither counting as a take nor blocking another or a
// submission) and what is left of it removed; a DELETE has what it asked
// for (204), anything else is told to send everything again as a new
// upload (410, upload_lost). gone says the store found nothing at all,
// which a moment after its row was written may be an upload still being
// made.
func (h *Handler) answerLost(w http.ResponseWriter, r *http.Request, t target, gone bool) {
	ctx := context.WithoutCancel(r.Context())
	what := "recording"
	if t.file {
		what = "file"
	}
	if t.uploading {
		if gone && time.Since(t.created) < creating {
			writeError(w, r, apperr.Conflict("this upload is still being made; try again in a moment"))
			return
		}
		if err := h.cfg.Store.remove(ctx, t.tusID); err != nil {
			writeError(w, r, storeFault(err))
			return
		}
		if err := t.drop(ctx); err != nil {
			writeError(w, r, err)
			return
		}
		h.logger.WarnContext(ctx, "upload: lost an unfinished upload; its client is told to send it again", slog.String("upload", t.tusID))
	}
	if r.Method == http.MethodDelete {
		w.Header().Set("Tus-Resumable", "1.0.0")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeTusError(w, r, lostError(what))
}

// storeFault is an error of the store for writeError: a full disk or a
// store down as such, anything else internal.
func storeFault(err error) error {
	if out, internal := storeError(err); !internal {
		var te tusd.Error
		if errors.As(out, &te) && te.HTTPResponse.StatusCode == http.StatusServiceUnavailable {
			return fmt.Errorf("%w: %w", errStorageUnreachable, err)
		}
	}
	return blob.Classify(err)
}

// serveUpload hands a request on an existing upload to tusd, unless the
// upload is gone, the method is not one of tus's, or a PATCH would take
// it past max bytes; it reports whether tusd served it.
func (h *Handler) serveUpload(w http.ResponseWriter, r *http.Request, gone bool, max int64) bool {
	if gone {
		writeTusError(w, r, goneError())
		return false
	}
	switch r.Method {
	case http.MethodPatch:
		left, err := checkCap(r, max)
		if err != nil {
			writeError(w, r, err)
			return false
		}
		// A body without a length (chunked) stops at the cap too.
		r.Body = http.MaxBytesReader(w, r.Body, left)
	case http.MethodHead, http.MethodDelete:
	default:
		writeError(w, r, apperr.New(apperr.ErrInvalid, "%s is not part of the upload protocol here; use HEAD, PATCH or DELETE", r.Method))
		return false
	}
	h.serveTus(w, r)
	return true
}

// finishFileIfComplete is finishIfComplete for a file.
func (h *Handler) finishFileIfComplete(ctx context.Context, a application.Application, id string) {
	if f, err := h.cfg.Files.UploadFor(ctx, a, uploadID(id)); err != nil || f.Status != filestep.Uploading {
		return
	}
	size, ok := h.completeSize(ctx, id)
	if !ok {
		return
	}
	if _, err := h.cfg.Files.FinishUpload(ctx, uploadID(id), size); err != nil {
		h.logger.WarnContext(ctx, "upload: finishing a recovered file", slog.String("upload", id), slog.Any("error", err))
	}
}

// completeSize is the size of an upload tusd holds complete, put
// together in the store; ok is false while it is not complete.
func (h *Handler) completeSize(ctx context.Context, id string) (size int64, ok bool) {
	// Under the upload's lock, like any request on it: on S3 completing
	// the multipart upload must not race a PATCH on another process. A
	// request holding it is left alone: its own end finishes the upload.
	lock, err := h.locker.NewLock(id)
	if err != nil {
		return 0, false
	}
	if err := lock.Lock(uploadlock.WithoutTakeover(ctx), func() {}); err != nil {
		return 0, false
	}
	defer lock.Unlock()
	up, err := h.store.GetUpload(ctx, id)
	if err != nil {
		return 0, false
	}
	info, err := up.GetInfo(ctx)
	if err != nil || info.SizeIsDeferred || info.Offset != info.Size {
		return 0, false
	}
	// The store may not have put the file together yet (S3 completes its
	// multipart upload here); the disk store has nothing to do.
	if err := up.FinishUpload(ctx); err != nil {
		h.logger.WarnContext(ctx, "upload: completing a recovered upload", slog.String("upload", id), slog.Any("error", err))
	}
	return info.Size, true
}

func (h *Handler) serveTus(w http.ResponseWriter, r *http.Request) {
	http.StripPrefix(strings.TrimSuffix(BasePath, "/"), h.tus).ServeHTTP(w, r)
}

// checkCap refuses, before a byte is stored, a PATCH that would take the
// upload past max: by its offset and Content-Length, or by the length it
// declares. It returns how many bytes the PATCH may still carry. The
// offset can be believed: tusd refuses a PATCH whose offset is not the
// upload's.
func checkCap(r *http.Request, max int64) (left int64, err error) {
	offset, err := strconv.ParseInt(r.Header.Get("Upload-Offset"), 10, 64)
	if err != nil || offset < 0 {
		return 0, apperr.Invalid("Upload-Offset", "send Upload-Offset, the number of bytes the server has")
	}
	left = max - offset
	if left < 0 || (r.ContentLength > 0 && r.ContentLength > left) {
		return 0, capError(max)
	}
	if l := r.Header.Get("Upload-Length"); l != "" {
		if n, err := strconv.ParseInt(l, 10, 64); err == nil && n > max {
			return 0, capError(max)
		}
	}
	return left, nil
}

func capError(max int64) error {
	return apperr.New(apperr.ErrTooLarge, "the upload is larger than the %d MB allowed for this step", max>>20)
}

// finishIfComplete finishes a recording whose upload tusd holds complete
// but whose finish was never recorded: the server stopped between the
// last byte and the commit. The client's next HEAD or PATCH repairs it.
func (h *Handler) finishIfComplete(ctx context.Context, who video.Viewer, id string) {
	if m, err := h.cfg.Videos.UploadFor(ctx, who, uploadID(id)); err != nil || m.Status != video.Uploading {
		return // finished by this request, or not ours to finish
	}
	size, ok := h.completeSize(ctx, id)
	if !ok {
		return
	}
	if _, err := h.cfg.Videos.FinishUpload(ctx, uploadID(id), size); err != nil {
		h.logger.ErrorContext(ctx, "upload: finish", slog.String("upload", id), slog.Any("error", err))
		return
	}
	queue.Notify()
}

func (h *Handler) preCreate(ev tusd.HookEvent) (tusd.HTTPResponse, tusd.FileInfoChanges, error) {
	who, _ := ev.Context.Value(viewerKey{}).(video.Viewer)
	meta := ev.Upload.MetaData
	if meta["purpose"] == "file" {
		return h.preCreateFile(ev, who)
	}
	req := video.UploadRequest{Purpose: video.Purpose(meta["purpose"]), Filename: meta["filename"], Filetype: meta["filetype"],
		ClientKey: meta["take_key"], Length: -1}
	if !ev.Upload.SizeIsDeferred {
		req.Length = ev.Upload.Size
	}
	var err error
	if req.StepID, err = metaID(meta, "step_id"); err != nil {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError(err)
	}
	if req.InterviewID, err = metaID(meta, "interview_id"); err != nil {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError(err)
	}
	id := newID()
	m, err := h.cfg.Videos.BeginUpload(ev.Context, who, req, id)
	var exists *video.ExistingUpload
	if errors.As(err, &exists) {
		// The answer to this take's first create was lost: point the
		// client at the upload it made.
		e := tusError(err).(tusd.Error)
		e.HTTPResponse.Header["Location"] = BasePath + exists.Recording.TusID
		e.HTTPResponse.Header["Anyhour-Media-Id"] = strconv.FormatInt(exists.Recording.ID, 10)
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, e
	}
	if err != nil {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError(err)
	}
	kept := tusd.MetaData{"media_id": strconv.FormatInt(m.ID, 10), "purpose": string(m.Purpose)}
	resp := tusd.HTTPResponse{Header: tusd.HTTPHeader{"Anyhour-Media-Id": strconv.FormatInt(m.ID, 10)}}
	return resp, tusd.FileInfoChanges{ID: id, MetaData: kept}, nil
}

// preCreateFile begins the upload of a file: a candidate's, of a length
// stated at once.
func (h *Handler) preCreateFile(ev tusd.HookEvent, who video.Viewer) (tusd.HTTPResponse, tusd.FileInfoChanges, error) {
	if who.Application == nil {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError(apperr.Forbidden("only candidates upload files, with their invitation token"))
	}
	if ev.Upload.SizeIsDeferred {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError(apperr.Invalid("Upload-Length", "send Upload-Length: a file's length is known before it is sent"))
	}
	stepID, err := metaID(ev.Upload.MetaData, "step_id")
	if err != nil {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError(err)
	}
	id := filestep.NewUploadID()
	f, err := h.cfg.Files.BeginUpload(ev.Context, *who.Application,
		filestep.Request{StepID: stepID, Name: ev.Upload.MetaData["filename"], Length: ev.Upload.Size}, id)
	if err != nil {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError(err)
	}
	fileID := strconv.FormatInt(f.ID, 10)
	kept := tusd.MetaData{"file_id": fileID, "purpose": "file"}
	return tusd.HTTPResponse{Header: tusd.HTTPHeader{"Anyhour-File-Id": fileID}}, tusd.FileInfoChanges{ID: id, MetaData: kept}, nil
}

func (h *Handler) preFinish(ev tusd.HookEvent) (tusd.HTTPResponse, error) {
	if strings.HasPrefix(ev.Upload.ID, filestep.UploadPrefix) {
		f, err := h.cfg.Files.FinishUpload(ev.Context, uploadID(ev.Upload.ID), ev.Upload.Size)
		if errors.Is(err, filestep.ErrRemoved) {
			return tusd.HTTPResponse{}, goneError()
		}
		if err != nil {
			return tusd.HTTPResponse{}, tusError(err)
		}
		return tusd.HTTPResponse{Header: tusd.HTTPHeader{"Anyhour-File-Id": strconv.FormatInt(f.ID, 10)}}, nil
	}
	m, err := h.cfg.Videos.FinishUpload(ev.Context, uploadID(ev.Upload.ID), ev.Upload.Size)
	if errors.Is(err, video.ErrDiscarded) {
		return tusd.HTTPResponse{}, goneError()
	}
	if err != nil {
		h.logger.ErrorContext(ev.Context, "upload: finish", slog.String("upload", ev.Upload.ID), slog.Any("error", err))
		return tusd.HTTPResponse{}, tusError(err)
	}
	queue.Notify()
	return tusd.HTTPResponse{Header: tusd.HTTPHeader{"Anyhour-Media-Id": strconv.FormatInt(m.ID, 10)}}, nil
}

func (h *Handler) preTerminate(ev tusd.HookEvent) (tusd.HTTPResponse, error) {
	who, _ := ev.Context.Value(viewerKey{}).(video.Viewer)
	if strings.HasPrefix(ev.Upload.ID, filestep.UploadPrefix) {
		if who.Application == nil {
			return tusd.HTTPResponse{}, tusError(apperr.NotFound("upload"))
		}
		if err := h.cfg.Files.Discard(ev.Context, *who.Application, uploadID(ev.Upload.ID)); err != nil {
			return tusd.HTTPResponse{}, tusError(err)
		}
		return tusd.HTTPResponse{}, nil
	}
	if err := h.cfg.Videos.DiscardUpload(ev.Context, who, uploadID(ev.Upload.ID)); err != nil {
		return tusd.HTTPResponse{}, tusError(err)
	}
	return tusd.HTTPResponse{}, nil
}

// uploadID is the part of a tus upload id that names the recording or
// the file:
// the S3 store appends "+<multipart id>" to the id it was given.
func uploadID(uploadID string) string {
	id, _, _ := strings.Cut(uploadID, "+")
	return id
}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func metaID(meta tusd.MetaData, key string) (int64, error) {
	v, ok := meta[key]
	if !ok || v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.Invalid(key, "Upload-Metadata %s must be a positive integer id", key)
	}
	return n, nil
}

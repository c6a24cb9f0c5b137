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
// through its file store, on S3 through its S3 store, so that a finished
// upload is read back through blob.Store like any other object.
package upload

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	tusd "github.com/tus/tusd/v2/pkg/handler"
	expslog "golang.org/x/exp/slog"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/filestep"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/video"
)

// BasePath is where the tus endpoint lives (docs/contracts.md).
const BasePath = "/api/v1/uploads/"

// Authenticator says who sends a request: a team member (API token or
// session) or a candidate (invitation token).
type Authenticator func(r *http.Request) (video.Viewer, error)

// Config is what Handler needs.
type Config struct {
	Store         Store
	Videos        *video.Service
	Files         *filestep.Service
	Authenticate  Authenticator
	Logger        *slog.Logger
	MaxUploadSize int64 // 0: video.MaxUploadBytes
}

// Handler serves the tus protocol.
type Handler struct {
	tus    *tusd.Handler
	core   tusd.DataStore
	cfg    Config
	logger *slog.Logger
}

type viewerKey struct{}

// New builds the handler.
func New(cfg Config) (*Handler, error) {
	if cfg.MaxUploadSize == 0 {
		cfg.MaxUploadSize = video.MaxUploadBytes
	}
	composer := tusd.NewStoreComposer()
	cfg.Store.UseIn(composer)
	h := &Handler{core: composer.Core, cfg: cfg, logger: cfg.Logger}
	if cfg.Files != nil && composer.UsesTerminater {
		// A file removed is removed from the store: its bytes, its info
		// and, on S3, an unfinished multipart upload.
		cfg.Files.SetTerminate(func(ctx context.Context, id string) error {
			up, err := composer.Core.GetUpload(ctx, id)
			if err != nil {
				return err
			}
			return composer.Terminater.AsTerminatableUpload(up).Terminate(ctx)
		})
	}
	tus, err := tusd.NewHandler(tusd.Config{
		BasePath:                   BasePath,
		StoreComposer:              composer,
		MaxSize:                    cfg.MaxUploadSize,
		DisableDownload:            true, // recordings are watched through package video's checks
		DisableConcatenation:       true,
		Cors:                       &tusd.CorsConfig{Disable: true},                      // same origin only
		Logger:                     expslog.New(expslog.NewTextHandler(io.Discard, nil)), // requests are logged by httpx.Log
		PreUploadCreateCallback:    h.preCreate,
		PreFinishResponseCallback:  h.preFinish,
		PreUploadTerminateCallback: h.preTerminate,
		NotifyCreatedUploads:       true,
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
// belongs to the sender and fits its cap, then hands it to tusd.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
	if strings.HasPrefix(id, filestep.UploadPrefix) {
		h.serveFile(w, r, who, id)
		return
	}
	m, err := h.cfg.Videos.UploadFor(r.Context(), who, uploadID(id))
	if err != nil {
		writeError(w, r, err)
		return
	}
	if !h.serveUpload(w, r, m.Status == video.Discarded, m.MaxSize) {
		return
	}
	if m.Status == video.Uploading && r.Method != http.MethodDelete {
		h.finishIfComplete(r.Context(), who, id)
	}
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

// serveFile is ServeHTTP for an upload of a file: the candidate's own,
// not removed, PATCHed within the step's size.
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, who video.Viewer, id string) {
	if who.Application == nil {
		writeError(w, r, apperr.NotFound("upload"))
		return
	}
	f, err := h.cfg.Files.UploadFor(r.Context(), *who.Application, uploadID(id))
	if err != nil {
		writeError(w, r, err)
		return
	}
	if !h.serveUpload(w, r, f.Status == filestep.Removed, f.MaxSize) {
		return
	}
	if f.Status == filestep.Uploading && r.Method != http.MethodDelete {
		h.finishFileIfComplete(r.Context(), *who.Application, id)
	}
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
	up, err := h.core.GetUpload(ctx, id)
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

// tusError turns an error into one tusd sends, with the API's JSON body.
func tusError(err error) error {
	status, body := httpx.NewErrorBody(err)
	b, merr := jsonString(body)
	if merr != nil {
		b = `{"error":{"code":"internal","message":"Internal error"}}`
	}
	header := tusd.HTTPHeader{"Content-Type": "application/json; charset=utf-8"}
	if status == http.StatusServiceUnavailable {
		header["Retry-After"] = httpx.RetryAfter
	}
	return tusd.Error{ErrorCode: body.Error.Code, Message: body.Error.Message, HTTPResponse: tusd.HTTPResponse{
		StatusCode: status, Body: b, Header: header}}
}

func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := httpx.NewErrorBody(err)
	if status >= 500 {
		slog.ErrorContext(r.Context(), "upload", slog.Any("error", err))
	}
	w.Header().Set("Tus-Resumable", "1.0.0")
	httpx.SetRetryAfter(w, status)
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	httpx.WriteJSON(w, status, body)
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("upload: %w", err)
	}
	return string(b), nil
}

// goneError is 410, as the tus protocol answers for a terminated upload,
// so that a client stops retrying and forgets it.
func goneError() tusd.Error {
	body := `{"error":{"code":"gone","message":"this upload was discarded or removed"}}`
	return tusd.Error{ErrorCode: "gone", Message: "this upload was discarded or removed", HTTPResponse: tusd.HTTPResponse{
		StatusCode: http.StatusGone, Body: body, Header: tusd.HTTPHeader{"Content-Type": "application/json; charset=utf-8"}}}
}

// writeTusError writes an error made for tusd ourselves.
func writeTusError(w http.ResponseWriter, r *http.Request, e tusd.Error) {
	for k, v := range e.HTTPResponse.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Tus-Resumable", "1.0.0")
	w.WriteHeader(e.HTTPResponse.StatusCode)
	if r.Method != http.MethodHead {
		io.WriteString(w, e.HTTPResponse.Body)
	}
}

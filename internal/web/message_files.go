package web

import (
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/message"
)

// parseMessageForm reads a message form, which is multipart when it
// carries files, and returns the files attached. Files wait on disk
// beyond a small amount in memory; the caller closes them with close.
func parseMessageForm(r *http.Request) (files []message.File, close func(), err error) {
	close = func() {}
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ctype != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return nil, close, apperr.Invalid("", "the form could not be read; please try again")
		}
		return nil, close, nil
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if _, ok := err.(*http.MaxBytesError); ok {
			return nil, close, apperr.New(apperr.ErrTooLarge, "the files are too large: attach at most %d files of %d MB", message.MaxAttachments, message.MaxAttachmentSize>>20)
		}
		return nil, close, apperr.Invalid("", "the form could not be read; please try again")
	}
	var opened []multipart.File
	close = func() {
		for _, f := range opened {
			f.Close()
		}
		r.MultipartForm.RemoveAll()
	}
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // the empty file input of a form sent without files
		}
		f, err := fh.Open()
		if err != nil {
			close()
			return nil, func() {}, err
		}
		opened = append(opened, f)
		files = append(files, message.File{Name: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Body: f})
	}
	return files, close, nil
}

// serveFile sends an attachment to download, never to display: a file
// from a candidate or a team member is not trusted to be what it says.
func serveFile(w http.ResponseWriter, r *http.Request, a message.Attachment, obj blob.Object) {
	defer obj.Close()
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	httpx.ServeObject(w, r, obj, "application/octet-stream")
}

// showTeamFile is GET /files/{id}.
func (s *Server) showTeamFile(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a, obj, err := s.Messages.OpenAttachment(r.Context(), m, id)
	if err != nil {
		return err
	}
	serveFile(w, r, a, obj)
	return nil
}

// showCandidateFile is GET /candidate/{app}/files/{id}.
func (s *Server) showCandidateFile(w http.ResponseWriter, r *http.Request, app application.Application) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.NotFound("file")
	}
	a, obj, err := s.Messages.OpenCandidateAttachment(r.Context(), app, id)
	if err != nil {
		return err
	}
	serveFile(w, r, a, obj)
	return nil
}

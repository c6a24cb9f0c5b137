package api

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/filestep"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/video"
)

// fileJSON is a file answering a file step.
type fileJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Type        string `json:"type"`         // filetype name: pdf, zip, …
	ContentType string `json:"content_type"` // as it is served
	Size        int64  `json:"size"`         // bytes; 0 while uploading
	Status      string `json:"status"`       // uploading or ready
	URL         string `json:"url,omitempty"`
	CreatedAt   string `json:"created_at"`
}

func newFile(f filestep.File, base string) fileJSON {
	out := fileJSON{ID: f.ID, Name: f.Name, Type: f.Type, ContentType: f.FileType().ContentType, Size: f.Size,
		Status: string(f.Status), CreatedAt: ts(f.CreatedAt)}
	if f.Status == filestep.Ready {
		out.URL = fmt.Sprintf("%s/api/v1/files/%d", base, f.ID)
	}
	return out
}

// serveAnswerFile answers GET /api/v1/files/{id}: a file answering a
// file step, for the team once the candidate has submitted (API token),
// or for the candidate who uploaded it (invitation token); a download,
// or with ?inline=1 an image or PDF shown in a sandbox.
func (s *Server) serveAnswerFile(w http.ResponseWriter, r *http.Request, v video.Viewer) error {
	who := filestep.Reader{Member: v.Member, Application: v.Application}
	id, err := pathID(r, "id", "file")
	if err != nil {
		return err
	}
	obj, f, err := s.Files.Open(r.Context(), who, id)
	if err != nil {
		return err
	}
	defer obj.Close()
	httpx.ServeFile(w, r, obj, f.Name, f.FileType().ContentType, r.URL.Query().Get("inline") != "" && f.FileType().Preview != "")
	return nil
}

// removeFile answers DELETE /api/v1/candidate/files/{id}: the candidate
// takes a file out of their answer, until they submit.
func (s *Server) removeFile(w http.ResponseWriter, r *http.Request, a application.Application) error {
	id, err := pathID(r, "id", "file")
	if err != nil {
		return err
	}
	if err := s.Files.Remove(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

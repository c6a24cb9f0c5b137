package api

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/filestep"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/video"
)

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

package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/video"
)

// serveTeamRecording sends a recording to a team member, with range requests.
func (s *Server) serveTeamRecording(w http.ResponseWriter, r *http.Request, m account.Member) error {
	return s.serveRecording(w, r, video.MemberViewer(m))
}

func (s *Server) serveRecording(w http.ResponseWriter, r *http.Request, who video.Viewer) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	obj, ctype, err := s.Videos.Open(r.Context(), who, id, video.File(r.PathValue("file")))
	if err != nil {
		return err
	}
	defer obj.Close()
	httpx.ServeObject(w, r, obj, ctype)
	return nil
}

package api

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

// showPlayback answers GET /api/v1/applications/{id}/steps/{step}/playback:
// the code editor's record of how a submitted code answer was written
// (package activity), with whether replaying it gives the saved code.
func (s *Server) showPlayback(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, stepID, err := pathStep(r, "application")
	if err != nil {
		return err
	}
	v, err := s.Views.ForMember(r.Context(), m, id)
	if err != nil {
		return err
	}
	st, ok := v.SharedStep(stepID, opening.KindCode)
	if !ok {
		return apperr.NotFound("code answer")
	}
	p, err := s.Activity.Playback(r.Context(), v.App.ID, stepID, string(st.Answer.Language), st.Answer.Code)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

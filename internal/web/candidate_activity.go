package web

import (
	"errors"
	"net/http"

	"github.com/anyhour/anyhour/internal/activity"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
)

// saveCandidateActivity takes frames of the code editor's record (package
// activity), sent beside the autosave. It answers JSON, errors included:
// {"next": n}, the frames of the session the server holds, so the editor
// knows what to send again.
func (s *Server) saveCandidateActivity(w http.ResponseWriter, r *http.Request, a application.Application) error {
	stepID, err := httpx.PathID(r, "step")
	if err != nil {
		return err
	}
	var c activity.Chunk
	next := 0
	if err = httpx.DecodeJSON(w, r, &c, activity.MaxChunk); err == nil {
		next, err = s.Activity.Append(r.Context(), a, stepID, c)
	}
	if err != nil {
		status, body := httpx.NewErrorBody(err)
		if status == http.StatusInternalServerError {
			return err
		}
		out := struct {
			httpx.ErrorBody
			Next *int `json:"next,omitempty"`
		}{ErrorBody: body}
		if errors.Is(err, apperr.ErrConflict) || errors.Is(err, apperr.ErrTooLarge) {
			out.Next = &next
		}
		httpx.SetRetryAfter(w, status)
		httpx.WriteJSON(w, status, out)
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Next int `json:"next"`
	}{next})
	return nil
}

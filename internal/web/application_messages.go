package web

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

// postApplicationMessage is POST /applications/{id}/messages: a message
// to the candidate, or with internal=1 a note for the team. A message
// that cannot be sent comes back on the application page as typed.
func (s *Server) postApplicationMessage(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	body, internal := r.PostForm.Get("body"), r.PostForm.Get("internal") != ""
	if _, err := s.Messages.Post(r.Context(), m, id, body, internal); err != nil {
		msg, status, ferr := formProblem(err)
		if ferr != nil {
			return ferr
		}
		d, derr := s.applicationData(r, m, id)
		if derr != nil {
			return derr
		}
		what := "Your message was not sent"
		if internal {
			what = "Your note was not saved"
		}
		d.MsgError, d.MsgDraft, d.MsgNote = what+": "+msg, body, internal
		s.render(w, r, status, "application_show", s.teamPage(r.Context(), m, "jobs", d.App.Candidate.Name, d))
		return nil
	}
	if internal {
		s.setFlash(w, "Note saved. Only the team sees it.")
	} else {
		s.setFlash(w, "Message sent to the candidate.")
	}
	return redirect(w, r, fmt.Sprintf("/applications/%d#conversation", id))
}

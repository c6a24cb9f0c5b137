package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

// grantTime is POST /applications/{id}/extensions: more time for the
// candidate, without a request.
func (s *Server) grantTime(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	days, _ := strconv.Atoi(r.PostForm.Get("days"))
	e, err := s.Applications.GrantExtension(r.Context(), m, id, days, r.PostForm.Get("note"))
	if err != nil {
		msg, status, ferr := formProblem(err)
		if ferr != nil {
			return ferr
		}
		d, derr := s.applicationData(r, m, id)
		if derr != nil {
			return derr
		}
		d.ExtError = "No time was given: " + msg
		s.render(w, r, status, "application_show", s.teamPage(r.Context(), m, "jobs", d.App.Candidate.Name, d))
		return nil
	}
	s.setFlash(w, fmt.Sprintf("%d more %s given; the candidate is told.", e.Days, plural(e.Days, "day", "days")))
	return redirect(w, r, appPath(r, id, "#time"))
}

// decideTime is POST /extensions/{id}/{approve|decline}.
func (s *Server) decideTime(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var approve bool
	switch r.PathValue("action") {
	case "approve":
		approve = true
	case "decline":
	default:
		return apperr.NotFound("page")
	}
	e, err := s.Applications.DecideExtension(r.Context(), m, id, approve)
	if err != nil {
		return err
	}
	if approve {
		s.setFlash(w, "Approved: the deadline moved, and the candidate is told.")
	} else {
		s.setFlash(w, "Declined: the candidate is told.")
	}
	return redirect(w, r, appPath(r, e.ApplicationID, "#time"))
}

package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/application"
)

// candidateWelcome is the welcome page's data.
type candidateWelcome struct {
	candidateView
}

// showCandidateWelcome is the first page a candidate sees: who invited
// them, the steps and the time they take, and the deadline in their zone.
func (s *Server) showCandidateWelcome(w http.ResponseWriter, r *http.Request, a application.Application) error {
	v, err := s.loadCandidate(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "candidate_welcome", v.page(v.Interview.Title, candidateWelcome{candidateView: v}))
	return nil
}

// setCandidateZone stores the candidate's time zone: sent once by a small
// script with the browser's zone, or chosen in the form on the welcome
// page. The script sends auto=1 and needs no page back.
func (s *Server) setCandidateZone(w http.ResponseWriter, r *http.Request, a application.Application) error {
	tz := r.PostFormValue("tz")
	err := s.Applications.SetTimeZone(r.Context(), a, tz)
	if err != nil {
		msg, err := formError(err)
		if err != nil {
			return err
		}
		v, err := s.loadCandidate(r.Context(), a)
		if err != nil {
			return err
		}
		p := v.page(v.Interview.Title, candidateWelcome{candidateView: v})
		p.Error = sentence(msg)
		s.render(w, r, http.StatusBadRequest, "candidate_welcome", p)
		return nil
	}
	if r.PostFormValue("auto") == "1" {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	s.setFlash(w, "Times are now shown in your time zone, "+tz+".")
	return redirect(w, r, candidatePath(a.ID))
}

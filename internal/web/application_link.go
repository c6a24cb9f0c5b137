package web

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/interview"
)

type linkPage struct {
	Application interview.Application
	URL         string
}

// relink makes a new magic link for an application and shows it once.
func (s *Server) relink(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.Interviews.Application(r.Context(), m, id)
	if err != nil {
		return err
	}
	token, err := s.Interviews.Relink(r.Context(), m, id)
	if err != nil {
		return err
	}
	data := linkPage{Application: a, URL: s.candidateLink(token)}
	s.render(w, r, http.StatusOK, "application_link", s.teamPage(r.Context(), m, "jobs", "New link for "+a.Candidate.Name, data))
	return nil
}

// revokeLink stops an application's link from working.
func (s *Server) revokeLink(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.Interviews.Application(r.Context(), m, id)
	if err != nil {
		return err
	}
	if err := s.Interviews.Revoke(r.Context(), m, id); err != nil {
		return err
	}
	s.setFlash(w, fmt.Sprintf("%s's link no longer works. Make a new link if they should continue.", a.Candidate.Name))
	return redirect(w, r, fmt.Sprintf("/interviews/%d", a.InterviewID))
}

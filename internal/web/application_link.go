package web

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
)

type linkPage struct {
	Application application.Application
	linkResult
	Gone bool // the link is no longer shown: expired, or another browser
}

// linkResult is a new link, kept sealed for the page relink redirects to.
type linkResult struct {
	URL string
}

// relink makes a new magic link for an application, replacing the old
// ones, and shows it on the page it redirects to (showOnce), so that a
// reload shows the same link instead of making another.
func (s *Server) relink(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Applications.Application(r.Context(), m, id); err != nil {
		return err
	}
	token, err := s.Applications.Relink(r.Context(), m, id)
	if err != nil {
		return err
	}
	return s.showOnce(w, r, m, fmt.Sprintf("/applications/%d/link", id), linkResult{URL: s.candidateLink(token)})
}

// showLink shows the link relink made, while its stash lasts.
func (s *Server) showLink(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.Applications.Application(r.Context(), m, id)
	if err != nil {
		return err
	}
	data := linkPage{Application: a}
	found, err := s.openStash(r, m, &data.linkResult)
	if err != nil {
		return err
	}
	data.Gone = !found
	s.render(w, r, http.StatusOK, "application_link", s.teamPage(r.Context(), m, "jobs", "New link for "+a.Candidate.Name, data))
	return nil
}

// emailLink emails the candidate a fresh link beside the ones they have.
func (s *Server) emailLink(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.Applications.EmailLink(r.Context(), m, id)
	if err != nil {
		msg, _, ferr := formProblem(err)
		if ferr != nil {
			return ferr
		}
		s.setFlash(w, "Not sent: "+msg)
		return redirect(w, r, appPath(r, id, "#link"))
	}
	s.setFlash(w, fmt.Sprintf("A new link is on its way to %s. The links they had still work.", a.Candidate.Email))
	return redirect(w, r, appPath(r, id, "#link"))
}

// revokeLink stops an application's link from working.
func (s *Server) revokeLink(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.Applications.Application(r.Context(), m, id)
	if err != nil {
		return err
	}
	if err := s.Applications.Revoke(r.Context(), m, id); err != nil {
		return err
	}
	s.setFlash(w, fmt.Sprintf("%s's link no longer works. Make a new link if they should continue.", a.Candidate.Name))
	if r.FormValue("back") == "application" {
		return redirect(w, r, appPath(r, id, "#link"))
	}
	return redirect(w, r, fmt.Sprintf("/interviews/%d", a.InterviewID))
}

package web

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

func (s *Server) showEditJob(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	j, err := s.Openings.Job(r.Context(), m, id)
	if err != nil {
		return err
	}
	if err := need(m, account.ManageJobs, "edit jobs"); err != nil {
		return err
	}
	data := jobForm{ID: j.ID, Title: j.Title, Description: j.Description}
	s.render(w, r, http.StatusOK, "job_form", s.teamPage(r.Context(), m, "jobs", "Edit "+j.Title, data))
	return nil
}

func (s *Server) updateJob(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	in := jobForm{ID: id, Title: r.PostFormValue("title"), Description: r.PostFormValue("description")}
	if _, err := s.Openings.UpdateJob(r.Context(), m, id, opening.JobInput{Title: &in.Title, Description: &in.Description}); err != nil {
		msg, status, err := formProblem(err)
		if err != nil {
			return err
		}
		p := s.teamPage(r.Context(), m, "jobs", "Edit job", in)
		p.Error = msg
		s.render(w, r, status, "job_form", p)
		return nil
	}
	s.setFlash(w, "Job saved.")
	return redirect(w, r, fmt.Sprintf("/jobs/%d", id))
}

// setJobStatus opens or closes a job; a closed job takes no new invitations.
func (s *Server) setJobStatus(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	status := opening.JobStatus(r.PostFormValue("status"))
	j, err := s.Openings.UpdateJob(r.Context(), m, id, opening.JobInput{Status: &status})
	if err != nil {
		return err
	}
	if j.Status == opening.JobOpen {
		s.setFlash(w, "The job is open: you can invite candidates.")
	} else {
		s.setFlash(w, "The job is closed: no new invitations. Candidates already invited can still finish.")
	}
	return redirect(w, r, fmt.Sprintf("/jobs/%d", id))
}

package web

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/opening"
)

// jobForm is the page to create or edit a job.
type jobForm struct {
	ID          int64 // 0 for a new job
	Title       string
	Description string
	Blind       bool // a new job: reviewed blind from the start
}

func (s *Server) showNewJob(w http.ResponseWriter, r *http.Request, m account.Member) error {
	if err := need(m, account.ManageJobs, "create jobs"); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "job_form", s.teamPage(r.Context(), m, "jobs", "New job", jobForm{}))
	return nil
}

func (s *Server) createJob(w http.ResponseWriter, r *http.Request, m account.Member) error {
	in := jobForm{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), Blind: r.PostFormValue("blind") == "1"}
	j, err := s.Openings.CreateJob(r.Context(), m, opening.JobInput{Title: &in.Title, Description: &in.Description, Blind: &in.Blind})
	if err != nil {
		msg, status, err := formProblem(err)
		if err != nil {
			return err
		}
		p := s.teamPage(r.Context(), m, "jobs", "New job", in)
		p.Error = msg
		s.render(w, r, status, "job_form", p)
		return nil
	}
	s.setFlash(w, "Job created. Add an interview to it next.")
	return redirect(w, r, fmt.Sprintf("/jobs/%d", j.ID))
}

package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/interview"
	"github.com/anyhour/anyhour/internal/opening"
)

type dashboardJob struct {
	Job    opening.Job
	Counts interview.JobCounts
}

type dashboardPage struct {
	Jobs []dashboardJob
}

// showDashboard lists the organisation's jobs with their applications
// counted per status.
func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request, m account.Member) error {
	jobs, err := s.Openings.Jobs(r.Context(), m)
	if err != nil {
		return err
	}
	counts, err := s.Interviews.CountsByJob(r.Context(), m)
	if err != nil {
		return err
	}
	var data dashboardPage
	for _, j := range jobs {
		c := counts[j.ID]
		if c == nil {
			c = interview.JobCounts{}
		}
		data.Jobs = append(data.Jobs, dashboardJob{Job: j, Counts: c})
	}
	s.render(w, r, http.StatusOK, "dashboard", s.teamPage(r.Context(), m, "jobs", "Jobs", data))
	return nil
}

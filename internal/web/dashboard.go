package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
)

type dashboardJob struct {
	Job   opening.Job
	Tiles []dashboardTile
}

// dashboardTile is a count of a job's applications that opens the job's
// list filtered to them, under the same label as the list's filter.
type dashboardTile struct {
	Label     string
	N         int
	Query     string
	Highlight bool // the tile that asks for work
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
	counts, err := s.Applications.CountsByJob(r.Context(), m)
	if err != nil {
		return err
	}
	outcomes, err := s.Applications.Outcomes(r.Context(), m)
	if err != nil {
		return err
	}
	var data dashboardPage
	for _, j := range jobs {
		c := counts[j.ID]
		if c == nil {
			c = application.JobCounts{}
		}
		dj := dashboardJob{Job: j}
		for _, t := range statusTabs {
			if t.Status == "" && t.Outcome == "" || t.Status == "withdrawn" {
				continue
			}
			n := c.Of(t.Status)
			if t.Outcome != "" {
				n = outcomes[j.ID][t.Outcome]
			}
			dj.Tiles = append(dj.Tiles, dashboardTile{Label: t.Label, N: n, Query: listContext{Status: t.Status, Outcome: t.Outcome}.query(),
				Highlight: t.Status == string(application.Submitted)})
		}
		data.Jobs = append(data.Jobs, dj)
	}
	s.render(w, r, http.StatusOK, "dashboard", s.teamPage(r.Context(), m, "jobs", "Jobs", data))
	return nil
}

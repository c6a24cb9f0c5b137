package web

import (
	"net/http"
	"net/url"

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
	Jobs              []dashboardJob
	NextURL, FirstURL string
}

// dashboardJobs is how many jobs the dashboard shows at a time.
const dashboardJobs = 50

// showDashboard lists the organisation's jobs, a page at a time, with
// their applications counted per status.
func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request, m account.Member) error {
	after := r.URL.Query().Get("after")
	pg, err := s.Openings.JobsPage(r.Context(), m, after, dashboardJobs)
	if err != nil {
		return err
	}
	ids := make([]int64, len(pg.Jobs))
	for i, j := range pg.Jobs {
		ids[i] = j.ID
	}
	counts, err := s.Applications.CountsForJobs(r.Context(), m, ids)
	if err != nil {
		return err
	}
	outcomes, err := s.Applications.Outcomes(r.Context(), m, ids)
	if err != nil {
		return err
	}
	var data dashboardPage
	for _, j := range pg.Jobs {
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
	if pg.Next != "" {
		data.NextURL = "/?" + url.Values{"after": {pg.Next}}.Encode()
	}
	if after != "" {
		data.FirstURL = "/"
	}
	s.render(w, r, http.StatusOK, "dashboard", s.teamPage(r.Context(), m, "jobs", "Jobs", data))
	return nil
}

package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
)

// waitingPage is the report of applications submitted and still without
// a decision after some days, so that nobody is left waiting.
type waitingPage struct {
	Days   int
	Apps   []application.Application
	Titles map[int64]string // job titles
	TZ     string
	Now    time.Time
}

// DaysWaiting is how many whole days a submitted application has waited.
func (p waitingPage) DaysWaiting(a application.Application) int {
	if a.SubmittedAt == nil {
		return 0
	}
	return int(p.Now.Sub(*a.SubmittedAt) / (24 * time.Hour))
}

// showWaiting is GET /waiting?days=N (default 7).
func (s *Server) showWaiting(w http.ResponseWriter, r *http.Request, m account.Member) error {
	days, err := strconv.Atoi(r.URL.Query().Get("days"))
	if err != nil || days < 0 || days > 365 {
		days = 7
	}
	apps, err := s.Decisions.Waiting(r.Context(), m, time.Duration(days)*24*time.Hour)
	if err != nil {
		return err
	}
	d := waitingPage{Days: days, Apps: apps, Titles: map[int64]string{}, TZ: s.memberZone(r.Context(), m), Now: time.Now()}
	for _, a := range apps {
		if _, ok := d.Titles[a.JobID]; !ok {
			if j, err := s.Openings.Job(r.Context(), m, a.JobID); err == nil {
				d.Titles[a.JobID] = j.Title
			}
		}
	}
	s.render(w, r, http.StatusOK, "waiting", s.teamPage(r.Context(), m, "jobs", "Waiting for a decision", d))
	return nil
}

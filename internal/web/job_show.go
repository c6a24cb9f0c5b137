package web

import (
	"net/http"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
)

// listTab is a filter or sort link of an application list.
type listTab struct {
	Label   string
	URL     string
	Current bool
	Count   int
}

type jobPage struct {
	Job        opening.Job
	Interviews []opening.Interview
	Titles     map[int64]string // interview id → title
	Tabs       []listTab
	Sorts      []listTab
	Apps       []application.Application
	NextURL    string
	FirstURL   string // set when not on the first page
	Total      int
	TZ         string
	ListQuery  string // the list's filter and sort, carried to each application
	Showing    string // the current filter's label
	Briefs     map[int64]review.Brief
	// Calibrating marks the applications of the calibration set.
	Calibrating map[int64]bool
	// Rota is the reviewers who take turns with its submissions.
	Rota *jobRota
}

// statusTabs are the job page's filters, in the words the dashboard's
// tiles and the status badges use: a status, or a decision's outcome.
var statusTabs = []struct{ Label, Status, Outcome string }{
	{"All", "", ""}, {"Invited", "invited", ""}, {"In progress", "started", ""}, {"To review", "submitted", ""},
	{"Advanced", "", "advance"}, {"On hold", "", "hold"}, {"Rejected", "", "reject"}, {"Withdrawn", "withdrawn", ""},
}

var sortTabs = []struct{ Label, Sort string }{{"Newest", "newest"}, {"Oldest", "oldest"}, {"Name", "name"}}

// showJob shows a job, its interviews and its applications, filtered by
// status, sorted and paged by key.
func (s *Server) showJob(w http.ResponseWriter, r *http.Request, m account.Member) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	j, err := s.Openings.Job(ctx, m, id)
	if err != nil {
		return err
	}
	ivs, err := s.Openings.Interviews(ctx, m, j.ID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	c := listFrom(q)
	f := application.Filter{JobID: j.ID, Status: application.Status(c.Status), Outcome: c.Outcome, Sort: application.Sort(c.Sort), Cursor: q.Get("after")}
	if f.Sort == "" {
		f.Sort = application.Newest
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 {
			return apperr.Invalid("limit", "limit must be a number between 1 and 200")
		}
	}
	pg, err := s.Applications.Applications(ctx, m, f)
	if err != nil {
		return err
	}
	counts, err := s.Applications.CountsForJob(ctx, m, j.ID)
	if err != nil {
		return err
	}
	outcomes, err := s.Applications.Outcomes(ctx, m, []int64{j.ID})
	if err != nil {
		return err
	}
	ids := make([]int64, len(pg.Items))
	for i, a := range pg.Items {
		ids[i] = a.ID
	}
	briefs, err := s.Reviews.Briefs(ctx, m, ids)
	if err != nil {
		return err
	}
	calibrating, err := s.Reviews.Calibrating(ctx, m, ids)
	if err != nil {
		return err
	}
	data := jobPage{Job: j, Interviews: ivs, Titles: map[int64]string{}, Apps: pg.Items, Total: counts.Total(), TZ: s.memberZone(ctx, m),
		ListQuery: c.query(), Briefs: briefs, Calibrating: calibrating}
	for _, iv := range ivs {
		data.Titles[iv.ID] = iv.Title
	}
	if data.Rota, err = s.jobRotaData(ctx, m, j.ID); err != nil {
		return err
	}
	link := func(c listContext, after string) string {
		v := c.values()
		if after != "" {
			v.Set("after", after)
		}
		if f.Limit > 0 {
			v.Set("limit", strconv.Itoa(f.Limit))
		}
		if len(v) == 0 {
			return "/jobs/" + strconv.FormatInt(j.ID, 10)
		}
		return "/jobs/" + strconv.FormatInt(j.ID, 10) + "?" + v.Encode()
	}
	for _, t := range statusTabs {
		n := counts.Of(t.Status)
		switch {
		case t.Outcome != "":
			n = outcomes[j.ID][t.Outcome]
		case t.Status == "":
			n = data.Total
		}
		current := c.Status == t.Status && c.Outcome == t.Outcome
		if n == 0 && t.Status == "withdrawn" && !current {
			continue
		}
		data.Tabs = append(data.Tabs, listTab{Label: t.Label, URL: link(listContext{Status: t.Status, Outcome: t.Outcome, Sort: c.Sort}, ""), Current: current, Count: n})
		if current {
			data.Showing = t.Label
		}
	}
	for _, t := range sortTabs {
		sc := c
		sc.Sort = t.Sort
		if t.Sort == string(application.Newest) {
			sc.Sort = ""
		}
		data.Sorts = append(data.Sorts, listTab{Label: t.Label, URL: link(sc, ""), Current: string(f.Sort) == t.Sort})
	}
	if pg.Next != "" {
		data.NextURL = link(c, pg.Next)
	}
	if f.Cursor != "" {
		data.FirstURL = link(c, "")
	}
	s.render(w, r, http.StatusOK, "job_show", s.teamPage(ctx, m, "jobs", j.Title, data))
	return nil
}

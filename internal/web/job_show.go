package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/interview"
	"github.com/anyhour/anyhour/internal/opening"
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
	Apps       []interview.Application
	NextURL    string
	FirstURL   string // set when not on the first page
	Total      int
	TZ         string
	ListQuery  string // the list's filter and sort, carried to each application
}

// statusTabs are the job page's filters; "started" reads "In progress".
var statusTabs = []struct{ Label, Status string }{
	{"All", ""}, {"Invited", "invited"}, {"In progress", "started"}, {"Submitted", "submitted"}, {"Decided", "decided"},
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
	f := interview.Filter{JobID: j.ID, Status: interview.Status(q.Get("status")), Sort: interview.Sort(q.Get("sort")), Cursor: q.Get("after")}
	if f.Sort == "" {
		f.Sort = interview.Newest
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 {
			return apperr.Invalid("limit", "limit must be a number between 1 and 200")
		}
	}
	pg, err := s.Interviews.Applications(ctx, m, f)
	if err != nil {
		return err
	}
	counts, err := s.Interviews.CountsForJob(ctx, m, j.ID)
	if err != nil {
		return err
	}
	data := jobPage{Job: j, Interviews: ivs, Titles: map[int64]string{}, Apps: pg.Items, Total: counts.Total(), TZ: s.memberZone(ctx, m),
		ListQuery: listFrom(q).query()}
	for _, iv := range ivs {
		data.Titles[iv.ID] = iv.Title
	}
	link := func(status string, sort interview.Sort, after string) string {
		v := url.Values{}
		if status != "" {
			v.Set("status", status)
		}
		if sort != interview.Newest {
			v.Set("sort", string(sort))
		}
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
		if t.Status == "" {
			n = data.Total
		}
		data.Tabs = append(data.Tabs, listTab{Label: t.Label, URL: link(t.Status, f.Sort, ""), Current: string(f.Status) == t.Status, Count: n})
	}
	for _, t := range sortTabs {
		data.Sorts = append(data.Sorts, listTab{Label: t.Label, URL: link(string(f.Status), interview.Sort(t.Sort), ""), Current: string(f.Sort) == t.Sort})
	}
	if pg.Next != "" {
		data.NextURL = link(string(f.Status), f.Sort, pg.Next)
	}
	if f.Cursor != "" {
		data.FirstURL = link(string(f.Status), f.Sort, "")
	}
	s.render(w, r, http.StatusOK, "job_show", s.teamPage(ctx, m, "jobs", j.Title, data))
	return nil
}

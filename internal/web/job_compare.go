package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/video"
)

// comparePage shows two to four candidates' answers to one step side by
// side: each in a column with its own player or code, the score, the
// member's ratings and, once they reviewed, the averages; the steps of
// the interview to move through. On a phone the columns become one
// candidate at a time.
type comparePage struct {
	Job       opening.Job
	Interview opening.Interview
	Step      opening.Step
	N         int // the step's number
	StepLinks []compareStepLink
	Prev      string
	Next      string
	Columns   []compareColumn
	HasVideo  bool
	HasCode   bool
}

type compareStepLink struct {
	N       int
	Title   string
	URL     string
	Current bool
}

type compareColumn struct {
	App      application.Application
	Row      appStep
	Reviewed bool   // the member's own review is in: averages may show
	Next     string // the next column's anchor, on a phone
}

// MinCompare and MaxCompare bound how many candidates are compared.
const (
	minCompare = 2
	maxCompare = 4
)

// showCompare is GET /jobs/{id}/compare?app=…&app=…&step=….
func (s *Server) showCompare(w http.ResponseWriter, r *http.Request, m account.Member) error {
	ctx := r.Context()
	jobID, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	job, err := s.Openings.Job(ctx, m, jobID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ids, err := compareIDs(q["app"])
	if err != nil {
		return err
	}
	d := comparePage{Job: job}
	for i, id := range ids {
		v, err := s.Views.ForMember(ctx, m, id)
		if err != nil {
			return err
		}
		if v.Job.ID != job.ID {
			return apperr.Invalid("app", "%s applied to another job; compare candidates of one job", v.App.TeamName())
		}
		if i == 0 {
			d.Interview = v.Interview
		} else if v.Interview.ID != d.Interview.ID {
			return apperr.Invalid("app", "%s answered another interview of this job, with other steps; compare candidates of one interview", v.App.TeamName())
		}
		if !v.Shared {
			return apperr.Invalid("app", "%s has not submitted yet, and answers stay private until they do", v.App.TeamName())
		}
		if len(d.Interview.Steps) == 0 {
			return apperr.Invalid("step", "the interview has no steps")
		}
		if i == 0 {
			d.N = 1
			d.Step = d.Interview.Steps[0]
			if sid := q.Get("step"); sid != "" {
				want, _ := strconv.ParseInt(sid, 10, 64)
				found := false
				for k, st := range d.Interview.Steps {
					if st.ID == want {
						d.Step, d.N, found = st, k+1, true
					}
				}
				if !found {
					return apperr.NotFound("step")
				}
			}
		}
		for _, st := range v.Steps {
			if st.Step.ID != d.Step.ID {
				continue
			}
			if err := s.askAudio(ctx, video.MemberViewer(m), st.Take, st.Blind); err != nil {
				return err
			}
			row, err := appRow(m, v, st)
			if err != nil {
				return err
			}
			d.HasVideo = d.HasVideo || (st.Take != nil && st.Take.Status == video.Ready)
			d.HasCode = d.HasCode || (st.Step.Kind == opening.KindCode && st.Answered)
			d.Columns = append(d.Columns, compareColumn{App: v.App, Row: row, Reviewed: v.Reviews.Mine != nil})
		}
	}
	link := func(stepID int64) string {
		u := url.Values{"app": q["app"], "step": {strconv.FormatInt(stepID, 10)}}
		return fmt.Sprintf("/jobs/%d/compare?%s", job.ID, u.Encode())
	}
	for k, st := range d.Interview.Steps {
		d.StepLinks = append(d.StepLinks, compareStepLink{N: k + 1, Title: st.Title, URL: link(st.ID), Current: st.ID == d.Step.ID})
		if st.ID == d.Step.ID {
			if k > 0 {
				d.Prev = link(d.Interview.Steps[k-1].ID)
			}
			if k+1 < len(d.Interview.Steps) {
				d.Next = link(d.Interview.Steps[k+1].ID)
			}
		}
	}
	for i := range d.Columns {
		if i+1 < len(d.Columns) {
			d.Columns[i].Next = fmt.Sprintf("#cand-%d", i+2)
		}
	}
	p := s.teamPage(ctx, m, "jobs", "Compare: "+d.Step.Title, d)
	p.Wide = true
	s.render(w, r, http.StatusOK, "job_compare", p)
	return nil
}

// compareIDs reads the applications to compare: two to four, each once.
func compareIDs(raw []string) ([]int64, error) {
	var ids []int64
	seen := map[int64]bool{}
	for _, s := range raw {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, apperr.Invalid("app", "%q is not an application", s)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) < minCompare || len(ids) > maxCompare {
		return nil, apperr.Invalid("app", "tick two to four candidates to compare (%d ticked)", len(ids))
	}
	return ids, nil
}

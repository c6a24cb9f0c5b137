package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
)

// listApplications answers GET /api/v1/applications: a page of the
// organisation's applications, filtered by interview_id, job_id and
// status, in the order sort names, continued with ?cursor=next_cursor.
func (s *Server) listApplications(w http.ResponseWriter, r *http.Request, m account.Member) error {
	f, err := applicationFilter(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := s.Applications.Applications(r.Context(), m, f)
	if err != nil {
		return err
	}
	out := applicationListJSON{Applications: make([]applicationJSON, len(page.Items)), NextCursor: page.Next}
	for i, a := range page.Items {
		out.Applications[i] = newApplication(a)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// applicationFilter reads the list's query parameters. An unknown one is
// an error: a misspelt filter must not quietly list everything.
func applicationFilter(q url.Values) (application.Filter, error) {
	var f application.Filter
	for name := range q {
		switch name {
		case "interview_id", "job_id", "status", "outcome", "sort", "limit", "cursor":
		default:
			return f, apperr.Invalid(name, "unknown query parameter %q (use interview_id, job_id, status, outcome, sort, limit, cursor)", name)
		}
	}
	var err error
	if f.InterviewID, err = queryInt(q, "interview_id"); err != nil {
		return f, err
	}
	if f.JobID, err = queryInt(q, "job_id"); err != nil {
		return f, err
	}
	limit, err := queryInt(q, "limit")
	if err != nil {
		return f, err
	}
	f.Limit = int(limit)
	f.Status = application.Status(q.Get("status"))
	f.Outcome = q.Get("outcome")
	f.Sort = application.Sort(q.Get("sort"))
	f.Cursor = q.Get("cursor")
	return f, nil
}

// queryInt reads an optional positive whole number; absent is 0.
func queryInt(q url.Values, name string) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.Invalid(name, "%s must be a positive whole number, not %q", name, v)
	}
	return n, nil
}

// showApplication answers GET /api/v1/applications/{id}: the application
// as the caller sees it (appview.Team): its answers, scored, the reviews
// they may see, and what they may do with it.
func (s *Server) showApplication(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	v, err := s.Views.ForMember(r.Context(), m, id)
	if err != nil {
		return err
	}
	out := newApplication(v.App)
	out.Progress = newProgress(v.Interview, v.Progress)
	out.Answers = []scoredAnswerJSON{}
	for _, st := range v.Steps {
		if !st.Present() {
			continue
		}
		a := scoredAnswerJSON{answerJSON: newAnswer(st, s.cfg.BaseURL, true)}
		if st.Scored {
			score, most := st.Score, st.Max
			a.Score, a.MaxScore = &score, &most
		}
		out.Answers = append(out.Answers, a)
	}
	addReviews(&out, m, v.Reviews)
	can := canJSON(v.Can)
	out.Can = &can
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

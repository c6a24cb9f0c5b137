package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
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
// with its answers (choice steps scored) and the reviews the caller may see.
func (s *Server) showApplication(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := s.Applications.Application(ctx, m, id)
	if err != nil {
		return err
	}
	iv, err := s.Openings.Interview(ctx, m, a.InterviewID)
	if err != nil {
		return err
	}
	removed, err := s.Openings.RemovedSteps(ctx, m.OrgID, a.InterviewID)
	if err != nil {
		return err
	}
	// Until the candidate submits, the team gets their progress, never
	// what they answered (application.Application.Shared).
	answers, err := s.Applications.TeamAnswers(ctx, a)
	if err != nil {
		return err
	}
	progress, err := s.Applications.Progress(ctx, a, iv)
	if err != nil {
		return err
	}
	// Score from the current options, so a corrected option counts at once;
	// the stored scores catch up in the background.
	application.Rescore(append(iv.Steps, removed...), answers)
	if a.Status == application.Submitted || a.Status == application.Decided {
		if score, max, ok := application.Total(iv.Steps, answers); ok {
			a.Score, a.MaxScore = &score, &max
		}
	}
	out := newApplication(a)
	out.Progress = newProgress(iv, progress)
	rec, err := s.answerExtras(ctx, a, false)
	if err != nil {
		return err
	}
	out.Answers = scoredAnswers(append(iv.Steps, removed...), answers, rec)
	if err := s.addReviews(r, m, &out); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// scoredAnswers returns the answers to steps, in the steps' order, with
// their scores.
func scoredAnswers(steps []opening.Step, answers map[int64]application.Answer, rec answerExtras) []scoredAnswerJSON {
	out := []scoredAnswerJSON{}
	for _, st := range steps {
		if a, ok := rec.answer(st, answers); ok {
			out = append(out, scoredAnswerJSON{answerJSON: newAnswer(st.Kind, a, rec), Score: a.Score, MaxScore: a.MaxScore})
		}
	}
	return out
}

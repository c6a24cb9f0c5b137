package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/search"
)

// searchPage is the team's search: one box across candidates, answers,
// the conversation and notes, with filters.
type searchPage struct {
	Q, Status, From, To string
	JobID               int64
	Jobs                []opening.Job
	Statuses            []application.Status
	Max                 int
	Problem             string // why the search was refused
	Searched            bool   // the query held words to search for
	Page                search.Page
	NextURL             string
	TZ                  string
}

// showSearch is GET /search.
func (s *Server) showSearch(w http.ResponseWriter, r *http.Request, m account.Member) error {
	v := r.URL.Query()
	d := searchPage{Q: v.Get("q"), Status: v.Get("status"), From: v.Get("from"), To: v.Get("to"),
		Statuses: search.Statuses, Max: search.MaxQuery, TZ: s.memberZone(r.Context(), m)}
	jobs, err := s.Openings.Jobs(r.Context(), m)
	if err != nil {
		return err
	}
	d.Jobs = jobs
	q, err := searchQuery(v, d.TZ)
	if err == nil {
		d.JobID = q.JobID
		d.Page, err = s.Search.Search(r.Context(), m, q)
	}
	var invalid *apperr.Error
	if errors.As(err, &invalid) && errors.Is(err, apperr.ErrInvalid) {
		d.Problem = invalid.Message
		s.render(w, r, http.StatusBadRequest, "search", s.teamPage(r.Context(), m, "search", "Search", d))
		return nil
	}
	if err != nil {
		return err
	}
	d.Searched = len(d.Page.Words) > 0
	if d.Page.Next != "" {
		next := url.Values{}
		for k, vs := range v {
			next[k] = vs
		}
		next.Set("cursor", d.Page.Next)
		d.NextURL = "/search?" + next.Encode()
	}
	title := "Search"
	if d.Q != "" {
		title = d.Q + " · Search"
	}
	s.render(w, r, http.StatusOK, "search", s.teamPage(r.Context(), m, "search", title, d))
	return nil
}

// searchQuery reads a search from a page's or the API's query string:
// q, job (or job_id), status, from and to (dates, YYYY-MM-DD, in zone tz,
// both included; or RFC 3339 times), cursor.
func searchQuery(v url.Values, tz string) (search.Query, error) {
	q := search.Query{Text: v.Get("q"), Status: application.Status(v.Get("status")), Cursor: v.Get("cursor")}
	job := v.Get("job")
	if job == "" {
		job = v.Get("job_id")
	}
	if job != "" {
		id, err := strconv.ParseInt(job, 10, 64)
		if err != nil || id < 0 {
			return q, apperr.Invalid("job_id", "job_id is a job's number")
		}
		q.JobID = id
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	for _, f := range []struct {
		name string
		t    *time.Time
		end  bool
	}{{"from", &q.From, false}, {"to", &q.To, true}} {
		raw := v.Get(f.name)
		if raw == "" {
			continue
		}
		if t, err := time.Parse(time.RFC3339, raw); err == nil {
			*f.t = t
			continue
		}
		day, err := time.ParseInLocation(time.DateOnly, raw, loc)
		if err != nil {
			return q, apperr.Invalid(f.name, "%s is a date such as 2026-03-31", f.name)
		}
		if f.end {
			day = day.AddDate(0, 0, 1) // the whole day is included
		}
		*f.t = day
	}
	return q, nil
}

package api

import (
	"context"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

// listJobs answers GET /api/v1/jobs: the organisation's jobs, open ones
// first, with their application counts; every job at once, or with
// ?limit= a page of them, continued with ?cursor=next_cursor.
func (s *Server) listJobs(w http.ResponseWriter, r *http.Request, m account.Member) error {
	q := r.URL.Query()
	for name := range q {
		if name != "limit" && name != "cursor" {
			return apperr.Invalid(name, "unknown query parameter %q (use limit, cursor)", name)
		}
	}
	limit, err := queryInt(q, "limit")
	if err != nil {
		return err
	}
	var pg opening.JobPage
	switch {
	case limit > 0:
		pg, err = s.Openings.JobsPage(r.Context(), m, q.Get("cursor"), int(limit))
	case q.Has("cursor") || q.Has("limit"):
		return apperr.Invalid("limit", "a page of jobs needs limit, from 1 to 200")
	default:
		pg.Jobs, err = s.Openings.Jobs(r.Context(), m)
	}
	if err != nil {
		return err
	}
	var counts map[int64]application.JobCounts
	if limit > 0 {
		ids := make([]int64, len(pg.Jobs))
		for i, j := range pg.Jobs {
			ids[i] = j.ID
		}
		counts, err = s.Applications.CountsForJobs(r.Context(), m, ids)
	} else {
		counts, err = s.Applications.CountsByJob(r.Context(), m)
	}
	if err != nil {
		return err
	}
	out := struct {
		Jobs       []jobJSON `json:"jobs"`
		NextCursor string    `json:"next_cursor"` // empty on the last page
	}{Jobs: make([]jobJSON, len(pg.Jobs)), NextCursor: pg.Next}
	for i, j := range pg.Jobs {
		out.Jobs[i] = newJob(j, counts[j.ID])
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// createJob answers POST /api/v1/jobs.
func (s *Server) createJob(w http.ResponseWriter, r *http.Request, m account.Member) error {
	var in jobInput
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return err
	}
	j, err := s.Openings.CreateJob(r.Context(), m, in.domain())
	if err != nil {
		return err
	}
	return s.writeJob(w, r, m, http.StatusCreated, j)
}

// showJob answers GET /api/v1/jobs/{id}.
func (s *Server) showJob(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "job")
	if err != nil {
		return err
	}
	j, err := s.Openings.Job(r.Context(), m, id)
	if err != nil {
		return err
	}
	return s.writeJob(w, r, m, http.StatusOK, j)
}

// updateJob answers PATCH /api/v1/jobs/{id}: the fields sent change, the
// others stay.
func (s *Server) updateJob(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "job")
	if err != nil {
		return err
	}
	var in jobInput
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return err
	}
	j, err := s.Openings.UpdateJob(r.Context(), m, id, in.domain())
	if err != nil {
		return err
	}
	return s.writeJob(w, r, m, http.StatusOK, j)
}

// writeJob writes one job with its counts and interviews.
func (s *Server) writeJob(w http.ResponseWriter, r *http.Request, m account.Member, status int, j opening.Job) error {
	out, err := s.jobDetail(r.Context(), m, j)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, status, out)
	return nil
}

func (s *Server) jobDetail(ctx context.Context, m account.Member, j opening.Job) (jobJSON, error) {
	counts, err := s.Applications.CountsForJob(ctx, m, j.ID)
	if err != nil {
		return jobJSON{}, err
	}
	ivs, err := s.Openings.Interviews(ctx, m, j.ID)
	if err != nil {
		return jobJSON{}, err
	}
	out := newJob(j, counts)
	out.Interviews = make([]interviewRefJSON, len(ivs))
	for i, iv := range ivs {
		out.Interviews[i] = interviewRefJSON{ID: iv.ID, Title: iv.Title}
	}
	return out, nil
}

// pathID parses the path value name as the id of what; any other value is
// the same 404 as an id that does not exist.
func pathID(r *http.Request, name, what string) (int64, error) {
	id, err := httpx.PathID(r, name)
	if err != nil {
		return 0, apperr.NotFound(what)
	}
	return id, nil
}

// pathStep parses /…/{id}/steps/{step}: the id of what, then the step's.
func pathStep(r *http.Request, what string) (id, stepID int64, err error) {
	if id, err = pathID(r, "id", what); err != nil {
		return 0, 0, err
	}
	stepID, err = pathID(r, "step", "step")
	return id, stepID, err
}

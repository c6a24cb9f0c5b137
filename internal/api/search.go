package api

import (
	"net/http"
	"net/url"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/search"
)

// searchJSON is one page of search results.
type searchJSON struct {
	Words      []string           `json:"words"`
	Results    []searchResultJSON `json:"results"`
	NextCursor string             `json:"next_cursor"`
}

// searchResultJSON is an application found. The candidate is an object of
// its own, apart from the application's id, so that a caller who may not
// see names (blind review, to come) gets the rest without them.
type searchResultJSON struct {
	ApplicationID int64             `json:"application_id"`
	JobID         int64             `json:"job_id"`
	JobTitle      string            `json:"job_title"`
	Status        string            `json:"status"`
	Outcome       string            `json:"outcome,omitempty"`
	Candidate     candidateJSON     `json:"candidate"`
	Matches       []searchMatchJSON `json:"matches"`
	More          int               `json:"more"`
}

type searchMatchJSON struct {
	Kind      string           `json:"kind"`
	RefID     int64            `json:"ref_id"`
	CreatedAt string           `json:"created_at"`
	Snippet   []search.Segment `json:"snippet"`
}

// searchApplications answers GET /api/v1/search.
func (s *Server) searchApplications(w http.ResponseWriter, r *http.Request, m account.Member) error {
	q, err := searchQuery(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := s.Search.Search(r.Context(), m, q)
	if err != nil {
		return err
	}
	if len(page.Words) == 0 {
		return apperr.Invalid("q", "q holds no word to search for")
	}
	out := searchJSON{Words: page.Words, Results: make([]searchResultJSON, len(page.Results)), NextCursor: page.Next}
	for i, res := range page.Results {
		o := searchResultJSON{ApplicationID: res.ApplicationID, JobID: res.JobID, JobTitle: res.JobTitle, Status: string(res.Status),
			Outcome: res.Outcome, Candidate: candidateJSON{Name: res.Name, Email: res.Email}, More: res.More,
			Matches: make([]searchMatchJSON, len(res.Matches))}
		for j, x := range res.Matches {
			o.Matches[j] = searchMatchJSON{Kind: string(x.Kind), RefID: x.RefID, CreatedAt: ts(x.CreatedAt), Snippet: x.Snippet}
		}
		out.Results[i] = o
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// searchQuery reads the search's query parameters; an unknown one is an
// error, as in the application list.
func searchQuery(v url.Values) (search.Query, error) {
	var q search.Query
	for name := range v {
		switch name {
		case "q", "job_id", "status", "from", "to", "cursor", "limit":
		default:
			return q, apperr.Invalid(name, "unknown query parameter %q (use q, job_id, status, from, to, limit, cursor)", name)
		}
	}
	q.Text, q.Status, q.Cursor = v.Get("q"), application.Status(v.Get("status")), v.Get("cursor")
	var err error
	if q.JobID, err = queryInt(v, "job_id"); err != nil {
		return q, err
	}
	limit, err := queryInt(v, "limit")
	if err != nil {
		return q, err
	}
	q.Limit = int(limit)
	for _, f := range []struct {
		name string
		t    *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		raw := v.Get(f.name)
		if raw == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			return q, apperr.Invalid(f.name, "%s is a time such as 2026-03-31T00:00:00Z", f.name)
		}
		*f.t = t
	}
	return q, nil
}

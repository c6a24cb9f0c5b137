package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
)

// pages are the pages and the API call that show the lists, through the
// real handler called in-process, as each measured organisation's
// reviewer: with an API token, or a session cookie.
func (w *world) pages(ctx context.Context) ([]measurement, error) {
	h := w.app.Handler()
	var out []measurement
	for i, o := range w.seeded.Orgs {
		prefix := ""
		if len(w.seeded.Orgs) > 1 {
			prefix = []string{"small org: ", "large org: "}[i]
		}
		token, _, err := w.app.Accounts.CreateAPIToken(ctx, o.Reviewer, "bench")
		if err != nil {
			return nil, err
		}
		session, err := w.app.Accounts.StartSession(ctx, o.Reviewer, account.Client{IP: "127.0.0.1", UserAgent: "bench"})
		if err != nil {
			return nil, err
		}
		api := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
		web := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "anyhour_session", Value: session}) }
		job := o.Jobs[0].ID
		newest, err := w.app.Applications.Applications(ctx, o.Reviewer, application.Filter{JobID: job, Limit: 1})
		if err != nil || len(newest.Items) == 0 {
			return nil, fmt.Errorf("the newest application of job %d: %v", job, err)
		}
		// A page whose list is not a page long in the small world shows
		// fewer rows there: row names what each of its rows links to, so
		// that the report says so rather than mark a ratio it cannot hold.
		for _, p := range []struct {
			name, path, row string
			auth            func(*http.Request)
		}{
			{"API GET /api/v1/applications?job_id=…&limit=50", fmt.Sprintf("/api/v1/applications?job_id=%d&limit=50", job), "", api},
			{"page GET /jobs/{id}, the job and its list", fmt.Sprintf("/jobs/%d", job), "", web},
			{"page GET /applications/{id}, the job's newest", fmt.Sprintf("/applications/%d", newest.Items[0].ID), "", web},
			{"page GET /inbox", "/inbox", `#conversation"`, web},
			{"page GET /reviews, my reviews", "/reviews", `#scorecard"`, web},
			{"page GET /, the jobs and their counts", "/", "", web},
		} {
			out = append(out, measurement{name: prefix + p.name, run: get(h, p.path, p.row, p.auth)})
		}
	}
	return out, nil
}

// get returns a measurement that sends GET path to h and reads the whole
// response; its rows are how many times row appears in it.
func get(h http.Handler, path, row string, auth func(*http.Request)) func(ctx context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		r := httptest.NewRequestWithContext(ctx, "GET", baseURL+path, nil)
		auth(r)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			body, _ := io.ReadAll(io.LimitReader(w.Body, 300))
			return 0, fmt.Errorf("GET %s: %d %s", path, w.Code, body)
		}
		if row == "" {
			return 0, nil
		}
		return strings.Count(w.Body.String(), row), nil
	}
}

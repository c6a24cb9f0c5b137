package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
)

// baseURL is what the in-process app believes it is served at.
const baseURL = "http://127.0.0.1:8080"

// httpMeasurements time the reviewer's list through the real HTTP
// handler, called in-process: the JSON API with an API token and the
// job's HTML page with a session cookie.
func httpMeasurements(ctx context.Context, f *fixture) ([]measurement, error) {
	logger := slog.New(slog.DiscardHandler)
	a, err := app.New(app.Config{DataDir: filepath.Join(f.dir, "data"), BaseURL: baseURL}, logger, f.db)
	if err != nil {
		return nil, err
	}
	h := a.Handler()
	token, _, err := f.accounts.CreateAPIToken(ctx, f.reviewer, "bench")
	if err != nil {
		return nil, err
	}
	session, err := f.accounts.StartSession(ctx, f.reviewer, account.Client{IP: "127.0.0.1", UserAgent: "bench"})
	if err != nil {
		return nil, err
	}
	apiPath := fmt.Sprintf("/api/v1/applications?interview_id=%d&limit=50", f.ivs[0].ID)
	pagePath := fmt.Sprintf("/jobs/%d", f.jobs[0].ID)
	return []measurement{
		{name: "(e) API GET /api/v1/applications?interview_id=…&limit=50", run: get(h, apiPath, func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+token)
		})},
		{name: "(f) page GET /jobs/{id}", run: get(h, pagePath, func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: "anyhour_session", Value: session})
		})},
	}, nil
}

// get returns a measurement that sends GET path to h and reads the whole
// response; a 404 means the route is not written yet and skips it.
func get(h http.Handler, path string, auth func(*http.Request)) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		r := httptest.NewRequestWithContext(ctx, "GET", baseURL+path, nil)
		auth(r)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch {
		case w.Code == http.StatusNotFound:
			return errSkip{fmt.Sprintf("GET %s answers 404: route not written yet", path)}
		case w.Code != http.StatusOK:
			body, _ := io.ReadAll(io.LimitReader(w.Body, 300))
			return fmt.Errorf("GET %s: %d %s", path, w.Code, body)
		}
		return nil
	}
}

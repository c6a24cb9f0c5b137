package api

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestInternalErrors checks the adapter: an unclassified error or a panic
// answers 500 with "Internal error" in the JSON error body, and is logged
// once, with its detail but without the request's token.
func TestInternalErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		handler handlerFunc
		logged  string
	}{
		{"error", func(w http.ResponseWriter, r *http.Request) error { return errors.New("disk on fire") }, "disk on fire"},
		{"panic", func(w http.ResponseWriter, r *http.Request) error { panic("nil map") }, "panic: nil map"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs := &syncBuffer{}
			s := New(Services{}, Config{}, slog.New(slog.NewTextHandler(logs, nil)))
			req := httptest.NewRequest("GET", "/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer ahk_secret")
			rec := httptest.NewRecorder()
			s.handle(tc.handler).ServeHTTP(rec, req)
			if rec.Code != http.StatusInternalServerError {
				t.Errorf("status %d, want 500", rec.Code)
			}
			if want := `{"error":{"code":"internal","message":"Internal error"}}`; strings.TrimSpace(rec.Body.String()) != want {
				t.Errorf("body %s, want %s", rec.Body, want)
			}
			out := logs.String()
			if strings.Count(out, "api error") != 1 || !strings.Contains(out, tc.logged) {
				t.Errorf("logs %q, want one api error about %q", out, tc.logged)
			}
			if strings.Contains(out, "ahk_secret") {
				t.Errorf("the token was logged: %s", out)
			}
		})
	}
}

// Package api serves anyhour's JSON API v1 under /api/v1/
// (docs/contracts.md): team routes authorised by a member's API token, candidate
// routes by the invitation token of their magic link, and the OpenAPI
// document that describes both. Handlers translate between JSON and the
// domain packages; the rules live in the domain.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/httpx"
)

// Services are the domain services the API uses.
type Services = domain.Services

// Config is the part of anyhour's configuration the API needs.
type Config struct {
	BaseURL string // public URL; candidate links are BaseURL + "/c/" + token
}

// Limits on request bodies. Invitations get more room: a thousand
// candidates with long names fit in 2 MiB, not in 1.
const (
	maxBody       = 1 << 20
	maxCodeBody   = 1 << 20 // code answers are at most 200 KB, as JSON strings up to about 1 MB
	maxInviteBody = 2 << 20
	// An interview carries its steps' settings inline: a code review's
	// diff (1 MB) and a take-home's files (5 MB), escaped as JSON.
	maxInterviewBody = 16 << 20
	// An answer: a code review of 200 comments of up to 10,000
	// characters, escaped as JSON.
	maxAnswerBody = 8 << 20
)

// Server handles the API's routes.
type Server struct {
	Services
	cfg     Config
	log     *slog.Logger
	openapi []byte
}

// New returns a Server; it panics if the embedded OpenAPI document is not
// valid JSON, so a broken document fails at start-up.
func New(svc Services, cfg Config, logger *slog.Logger) *Server {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Server{Services: svc, cfg: cfg, log: logger, openapi: mustOpenAPI(cfg.BaseURL)}
}

// handlerFunc is an API handler that returns its error instead of writing
// it; handle turns the error into the JSON error body.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			// A panic still answers in JSON; httpx.Log would answer in text.
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.writeError(w, r, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
			}
		}()
		if err := fn(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// writeError writes err as {"error":{"code","message"}} with its status,
// logging it once if it is ours (a 5xx). Only the method and path are
// logged: never headers, which hold tokens.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := httpx.NewErrorBody(err)
	switch {
	case errors.Is(err, context.Canceled):
		s.log.Info("api request cancelled", slog.String("method", r.Method), slog.String("path", httpx.LogPath(r)))
	case status >= 500:
		s.log.Error("api error", slog.String("method", r.Method), slog.String("path", httpx.LogPath(r)), slog.String("error", err.Error()))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="anyhour"`)
	}
	httpx.SetRetryAfter(w, status)
	httpx.WriteJSON(w, status, body)
}

// routeNotFound is the error for a path no route serves.
func routeNotFound(r *http.Request) error {
	return apperr.New(apperr.ErrNotFound, "there is no API route %s %s; see /api/v1/openapi.json", r.Method, r.URL.Path)
}

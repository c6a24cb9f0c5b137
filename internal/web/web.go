// Package web serves anyhour's pages: server-rendered HTML from embedded
// templates, one file per page, plain forms that work without JavaScript.
// Team pages sit behind a session cookie; candidate pages behind a
// per-application cookie set by their magic link.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/message"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/httpx"
)

// Services are the domain services the pages use.
type Services = domain.Services

// Config is the part of anyhour's configuration the pages need.
type Config struct {
	BaseURL string // public URL, used in links shown to people
}

// Server renders and handles the pages.
type Server struct {
	Services
	cfg          Config
	log          *slog.Logger
	views        *views
	secureCookie bool
}

// New returns a Server; it panics if a template is broken, so a bad
// template fails at start-up, not on a user's request.
func New(svc Services, cfg Config, logger *slog.Logger) *Server {
	s := &Server{Services: svc, cfg: cfg, log: logger, views: mustParseViews(), secureCookie: secureCookies(cfg.BaseURL)}
	if !s.secureCookie {
		logger.Warn("cookies are sent without the Secure flag because the base URL is plain HTTP on a network address; "+
			"serve anyhour over HTTPS and set ANYHOUR_BASE_URL to its https:// address", slog.String("base_url", cfg.BaseURL))
	}
	return s
}

// secureCookies reports whether cookies get the Secure flag: always, but
// for a plain-HTTP base URL on a non-loopback host, where browsers would
// drop them (a deployment that should be behind TLS anyway).
func secureCookies(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme == "https" {
		return true
	}
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// handlerFunc is a page handler that returns its error instead of
// writing it; errorHandler decides the status and renders the error page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// maxFormBody bounds every posted form: the largest is a message with
// its files (message.MaxAttachments of message.MaxAttachmentSize each);
// an invitation with a pasted list and a file, or a written answer, fits
// many times over. Handlers that take less bound their own bodies lower.
const maxFormBody = message.MaxAttachments*message.MaxAttachmentSize + 1<<20

func (s *Server) handle(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		}
		if err := fn(w, r); err != nil {
			s.renderError(w, r, err)
		}
	}
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status, _ := httpx.Status(err)
	if status == http.StatusUnauthorized && !strings.HasPrefix(r.URL.Path, "/c/") && !strings.HasPrefix(r.URL.Path, "/candidate/") {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if status == http.StatusInternalServerError {
		s.log.Error("page failed", slog.String("method", r.Method), slog.String("path", httpx.LogPath(r)), slog.Any("error", err))
	}
	title := map[int]string{
		http.StatusNotFound:              "Not found",
		http.StatusForbidden:             "Not allowed",
		http.StatusUnauthorized:          "This link does not work",
		http.StatusConflict:              "That cannot be done now",
		http.StatusBadRequest:            "Please check what you entered",
		http.StatusTooManyRequests:       "Slow down",
		http.StatusRequestEntityTooLarge: "Too large",
		http.StatusServiceUnavailable:    "Back in a moment",
		http.StatusMethodNotAllowed:      "Not here",
	}[status]
	if title == "" {
		title = "Something went wrong"
	}
	if status == http.StatusServiceUnavailable {
		s.log.Warn("page unavailable", slog.String("method", r.Method), slog.String("path", httpx.LogPath(r)), slog.Any("error", err))
	}
	httpx.SetRetryAfter(w, status)
	data := errorPage{Message: apperr.Message(err), Status: status}
	p := page{Title: title, Data: data}
	// A signed-in member keeps the site's header and a way back to their
	// jobs: not on a candidate's or a guest's pages, and not when the
	// server failed (the database may be what failed), nor for longer
	// than a moment.
	if status < 500 && !strings.HasPrefix(r.URL.Path, "/c/") && !strings.HasPrefix(r.URL.Path, "/candidate/") && !strings.HasPrefix(r.URL.Path, "/s/") {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if m, merr := s.currentMember(r.WithContext(ctx)); merr == nil {
			p = s.teamPage(ctx, m, "", title, data)
		}
	}
	s.render(w, r, status, "error", p)
}

type errorPage struct {
	Message string
	Status  int
}

// redirect sends the browser on after a form post.
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// formError is an error to show above a form that is rendered again.
func formError(err error) (string, error) {
	if errors.Is(err, apperr.ErrInvalid) || errors.Is(err, apperr.ErrConflict) || errors.Is(err, apperr.ErrUnauthenticated) ||
		errors.Is(err, apperr.ErrRateLimited) || errors.Is(err, apperr.ErrForbidden) || errors.Is(err, apperr.ErrTooLarge) {
		return apperr.Message(err), nil
	}
	return "", err
}

package httpx

import (
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"
)

// Chain applies middleware so that the first one listed is outermost.
func Chain(h http.Handler, mw ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// SecurityHeaders sets headers every response should carry.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", contentSecurityPolicy(""))
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows scripts and styles from this origin only,
// plus the style elements that carry styleNonce when it is not empty.
func contentSecurityPolicy(styleNonce string) string {
	style := "style-src 'self'"
	if styleNonce != "" {
		style += " 'nonce-" + styleNonce + "'"
	}
	return "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " + style +
		"; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
}

// StyleNonce makes a fresh nonce, allows style elements that carry it in
// the response's Content-Security-Policy, and returns it. A page's
// scripts that must inject styles (the code editor does) read it from the
// page and set it on the elements they create; nothing else can.
func StyleNonce(w http.ResponseWriter) string {
	b := make([]byte, 16)
	rand.Read(b)
	nonce := base64.RawURLEncoding.EncodeToString(b)
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy(nonce))
	return nonce
}

// CrossOrigin rejects state-changing requests that a browser marks as
// coming from another origin (Sec-Fetch-Site or Origin), using the
// standard library's protection. Requests without those headers, such as
// API clients, pass: they cannot carry a victim's cookies.
func CrossOrigin(next http.Handler) http.Handler { return CrossOriginPages(nil)(next) }

// CrossOriginPages is CrossOrigin whose refusals of pages' forms (outside
// /api/v1/) page answers, in the site's own error page; nil answers them
// in plain text.
func CrossOriginPages(page http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		p := http.NewCrossOriginProtection()
		p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if page != nil && !isAPI(r) {
				page.ServeHTTP(w, r)
				return
			}
			writeError(w, r, http.StatusForbidden, "cross_origin", "cross-origin requests are not allowed", CrossSiteMessage)
		}))
		return p.Handler(next)
	}
}

// CrossSiteMessage tells a person why their form was refused.
const CrossSiteMessage = "This form was sent from another site. Go back to the page, reload it and try again."

// writeError answers a request that middleware ends itself (refused, or
// its handler panicked): in the API's error shape under /api/v1/, as
// plain text elsewhere.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, message, pageMessage string) {
	if isAPI(r) {
		var b ErrorBody
		b.Error.Code = code
		b.Error.Message = message
		WriteJSON(w, status, b)
		return
	}
	http.Error(w, pageMessage, status)
}

func isAPI(r *http.Request) bool {
	return len(r.URL.Path) >= 8 && r.URL.Path[:8] == "/api/v1/"
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Log logs each request once, with its status and duration, and turns a
// panic into a 500 so one bad request cannot take the server down. Paths
// are logged without query strings, which may hold tokens, and with
// candidates' and guests' tokens cut out (LogPath); the route (see
// WithRoute) says which page it was. No header, cookie or body is logged.
func Log(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					logger.Error("panic", slog.String("method", r.Method), slog.String("path", LogPath(r)), slog.Any("panic", p))
					if rec.status == 0 {
						writeError(rec, r, http.StatusInternalServerError, "internal", "Internal error", "Internal error")
					}
				}
				logger.Info("request", slog.String("method", r.Method), slog.String("path", LogPath(r)), slog.String("route", Route(r)),
					slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes), slog.Duration("duration", time.Since(start)))
			}()
			next.ServeHTTP(rec, r)
		})
	}
}

// LogPath is the request path fit for logs: candidate links carry their
// token in the path, so it is cut off.
func LogPath(r *http.Request) string {
	// Cleaned as the router will clean it, so that "//s/…" is caught too.
	p := path.Clean("/" + r.URL.Path)
	if len(p) > 3 && p[:3] == "/c/" {
		return "/c/…"
	}
	if len(p) > 6 && p[:6] == "/join/" {
		return "/join/…"
	}
	if strings.HasPrefix(p, "/password/reset/") {
		return "/password/reset/…"
	}
	if strings.HasPrefix(p, "/s/") {
		// A share link's token, then what it opens.
		rest := strings.TrimPrefix(p, "/s/")
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			return "/s/…" + rest[i:]
		}
		return "/s/…"
	}
	return p
}

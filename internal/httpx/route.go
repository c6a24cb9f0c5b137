package httpx

import (
	"context"
	"net/http"
	"strings"
)

// The route of a request is the pattern ServeMux matched it with, such as
// "/c/{token}/steps/{step}": what metrics and logs may name, where the
// path would carry ids and tokens. ServeMux sets Request.Pattern on the
// request it routes, which middleware outside it never sees if anything
// in between made a new request (WithContext does), so WithRoute makes a
// slot in the context that RecordRoute, wrapped round the mux, fills.

type routeKey struct{}

type routeSlot struct {
	pattern string
	none    bool // a fallback answered: no route took the request
}

// WithRoute makes room for the route of each request, for Route to read
// once the handler inside has returned. Put it outside the middleware
// that reads Route.
func WithRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Context().Value(routeKey{}).(*routeSlot); ok {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), routeKey{}, &routeSlot{})))
	})
}

// RecordRoute wraps a ServeMux: once it has served a request, the pattern
// it matched is kept for Route.
func RecordRoute(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if s, ok := r.Context().Value(routeKey{}).(*routeSlot); ok && !s.none {
				s.pattern = r.Pattern
			}
		}()
		mux.ServeHTTP(w, r)
	})
}

// Unmatched is the route of a request no pattern matched (a 404 or 405
// of the mux itself, or of a fallback that called NoRoute) or that
// middleware answered before the mux.
const Unmatched = "unmatched"

// NoRoute marks r as taken by no route: a catch-all pattern's handler
// that answers 404 or 405 calls it, so that its requests count as
// Unmatched and not under the catch-all's pattern.
func NoRoute(r *http.Request) {
	if s, ok := r.Context().Value(routeKey{}).(*routeSlot); ok {
		s.none = true
	}
}

// Route returns the path part of the pattern that served r ("GET
// /jobs/{id}" gives "/jobs/{id}"), or Unmatched. It is known once the
// handler has returned.
func Route(r *http.Request) string {
	s, ok := r.Context().Value(routeKey{}).(*routeSlot)
	if !ok || s.pattern == "" {
		return Unmatched
	}
	p := s.pattern
	if i := strings.IndexAny(p, " \t"); i >= 0 {
		p = strings.TrimLeft(p[i:], " \t")
	}
	return p
}

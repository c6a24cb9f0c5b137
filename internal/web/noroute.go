package web

import (
	"net/http"
	"strings"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

// noRoute answers an address no page has, as the other errors are
// answered (a page, in the site's layout): 405 with the methods the
// address takes, or 404.
func (s *Server) noRoute(mux *http.ServeMux) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		httpx.NoRoute(r)
		allowed := httpx.Allowed(mux, r)
		if len(allowed) == 0 {
			return apperr.New(apperr.ErrNotFound, "There is no page at this address. Check the link you followed, or the address you typed.")
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return apperr.New(apperr.ErrMethodNotAllowed, "This address does not take a %s request. If you sent a form, go back and try again.", r.Method)
	}
}

// CrossSiteRefused answers a page's form that httpx.CrossOriginPages
// refused as sent from another site, with the site's error page.
func (s *Server) CrossSiteRefused() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, apperr.Forbidden(httpx.CrossSiteMessage))
	})
}

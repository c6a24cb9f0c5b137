package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
)

// openLink is the magic link of an invitation. It keeps the token in a
// cookie for this application only and sends the browser on, so the
// token leaves the address bar (and the history) at once.
func (s *Server) openLink(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	a, err := s.Applications.ByToken(r.Context(), token)
	if errors.Is(err, apperr.ErrUnauthenticated) {
		s.renderBadLink(w, r, err)
		return nil
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.setCookie(w, candidateCookiePrefix+strconv.FormatInt(a.ID, 10), token, candidatePath(a.ID), time.Until(a.LinkExpiresAt()))
	if r.URL.Query().Get("to") == "messages" { // the link in an email about a message
		return redirect(w, r, candidatePath(a.ID)+"/messages#latest")
	}
	return redirect(w, r, candidatePath(a.ID))
}

type candidateLinkPage struct {
	Message  string
	Expired  bool
	Revoked  bool
	Replaced bool
	Unsaved  string // a written answer that arrived with a link that no longer works
}

// renderBadLink explains, kindly, why a link does not open and what to do.
func (s *Server) renderBadLink(w http.ResponseWriter, r *http.Request, err error) {
	status, _ := httpx.Status(err)
	d := candidateLinkPage{Message: sentence(apperr.Message(err))}
	title := "This link does not work"
	switch {
	case errors.Is(err, application.ErrLinkExpired):
		status, title, d.Expired = http.StatusGone, "This interview link has expired", true
	case errors.Is(err, application.ErrLinkRevoked):
		status, title, d.Revoked = http.StatusGone, "This interview link was withdrawn", true
	case errors.Is(err, errLinkReplaced):
		status, title, d.Replaced = http.StatusGone, "This interview link was replaced", true
	}
	if r.Method == http.MethodPost {
		// Whatever was typed must not vanish with the link.
		d.Unsaved = r.PostFormValue("text")
	}
	s.render(w, r, status, "candidate_link", page{Title: title, Candidate: true, Data: d})
}

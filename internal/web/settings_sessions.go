package web

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

// endSession signs the member out of one of their other sessions.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Accounts.EndSession(r.Context(), m, id); err != nil {
		return err
	}
	s.setFlash(w, "That session is signed out.")
	return redirect(w, r, "/settings#sessions-h")
}

// endOtherSessions signs the member out everywhere but here.
func (s *Server) endOtherSessions(w http.ResponseWriter, r *http.Request, m account.Member) error {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return err
	}
	n, err := s.Accounts.EndOtherSessions(r.Context(), m, c.Value)
	if err != nil {
		return err
	}
	s.setFlash(w, fmt.Sprintf("You are signed out everywhere else (%d %s); this session stays.", n, plural(n, "session", "sessions")))
	return redirect(w, r, "/settings#sessions-h")
}

package web

import (
	"errors"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

// dismissEmail is POST /settings/emails/{id}/dismiss: an admin who knows
// that an email which may not have arrived did arrive, or who reached the
// candidate another way, sets it aside; nothing is sent. Sent from an
// application's page (the form's app field), it goes back there. A second
// request says it was already done.
func (s *Server) dismissEmail(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	back := emailBack(r, "")
	e, err := s.Outbox.Dismiss(r.Context(), m, id)
	switch {
	case errors.Is(err, apperr.ErrConflict):
		s.setFlash(w, "Nothing changed: "+apperr.Message(err)+".")
		return redirect(w, r, back)
	case err != nil:
		return err
	}
	to := e.To.Name
	if to == "" {
		to = e.To.Email
	}
	s.setFlash(w, "The email to "+to+" is set aside: it is no longer shown as one that may not have arrived. Nothing was sent.")
	return redirect(w, r, back)
}

package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/outbox"
)

// resendEmail is POST /settings/emails/{id}/resend: an admin sends again
// an email that may not have arrived. Sent from an application's page
// (the form's app field), it goes back there. A second request for the
// same email (a double click) sends nothing and says so.
func (s *Server) resendEmail(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	back := emailBack(r, "#invitation-email")
	e, err := s.Outbox.Resend(r.Context(), m, id)
	switch {
	case errors.Is(err, apperr.ErrConflict):
		s.setFlash(w, "Nothing was sent: "+apperr.Message(err)+".")
		return redirect(w, r, back)
	case err != nil:
		return err
	}
	s.setFlash(w, resentMessage(e))
	return redirect(w, r, back)
}

// emailBack is where an action on an email returns: the application page
// it was sent from (the form's app field), at anchor, else the emails page.
func emailBack(r *http.Request, anchor string) string {
	if app, err := strconv.ParseInt(r.PostFormValue("app"), 10, 64); err == nil && app > 0 {
		return appPath(r, app, anchor)
	}
	return "/settings/emails"
}

// resentMessage tells the admin what they just did.
func resentMessage(e outbox.Email) string {
	to := e.To.Name
	if to == "" {
		to = e.To.Email
	}
	msg := fmt.Sprintf("The email to %s is being sent again.", to)
	if e.Status == outbox.Unknown {
		msg += " If the first one did arrive, they now have it twice."
	}
	return msg
}

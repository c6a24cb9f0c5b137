package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/outbox"
)

// emailsPage is the outbox as admins read it.
type emailsPage struct {
	Emails []outbox.Email
	TZ     string
}

// showEmails is GET /settings/emails: the organisation's latest emails,
// with their status and, for those not sent, why.
func (s *Server) showEmails(w http.ResponseWriter, r *http.Request, m account.Member) error {
	es, err := s.Outbox.List(r.Context(), m)
	if err != nil {
		return err
	}
	d := emailsPage{Emails: es, TZ: s.memberZone(r.Context(), m)}
	s.render(w, r, http.StatusOK, "settings_emails", s.teamPage(r.Context(), m, "settings", "Emails", d))
	return nil
}

package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/outbox"
)

// emailsPage is the outbox as admins read it.
type emailsPage struct {
	// Unknown are every email whose sending was cut off, however old:
	// each waits for an admin to decide whether to send it again.
	Unknown []outbox.Email
	Emails  []outbox.Email // the latest, of every status
	TZ      string
}

// showEmails is GET /settings/emails: the emails that may not have
// arrived, then the organisation's latest emails, with their status and,
// for those not sent, why.
func (s *Server) showEmails(w http.ResponseWriter, r *http.Request, m account.Member) error {
	unknown, err := s.Outbox.Unknown(r.Context(), m)
	if err != nil {
		return err
	}
	es, err := s.Outbox.List(r.Context(), m)
	if err != nil {
		return err
	}
	d := emailsPage{Unknown: unknown, Emails: es, TZ: s.memberZone(r.Context(), m)}
	s.render(w, r, http.StatusOK, "settings_emails", s.teamPage(r.Context(), m, "settings", "Emails", d))
	return nil
}

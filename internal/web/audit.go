package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
)

// auditPageSize is how many audit entries a page shows.
const auditPageSize = 50

type auditPage struct {
	Entries []account.AuditEntry
	Before  int64 // the next page's cursor; 0 on the last page
	Paged   bool  // not the first page
	TZ      string
}

// showAudit lists the organisation's audit log, newest first, paged by
// the id before which the next page starts.
func (s *Server) showAudit(w http.ResponseWriter, r *http.Request, m account.Member) error {
	before, err := queryID(r, "before")
	if err != nil {
		return err
	}
	entries, err := s.Accounts.AuditLog(r.Context(), m, before, auditPageSize+1)
	if err != nil {
		return err
	}
	d := auditPage{Entries: entries, Paged: before != 0, TZ: s.memberZone(r.Context(), m)}
	if len(entries) > auditPageSize {
		d.Entries = entries[:auditPageSize]
		d.Before = d.Entries[auditPageSize-1].ID
	}
	s.render(w, r, http.StatusOK, "audit", s.teamPage(r.Context(), m, "audit", "Audit log", d))
	return nil
}

package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/message"
	"github.com/anyhour/anyhour/internal/worktime"
)

// inboxPage is the team's inbox: every conversation with a candidate,
// those waiting for a reply first.
type inboxPage struct {
	Threads []message.Thread
	Now     time.Time
	TZ      string
	Hours   worktime.Hours // the team's: waits count in them
}

// Overdue and Waited are for the template.
func (p inboxPage) Overdue(t message.Thread) bool  { return t.Overdue(p.Now, p.Hours) }
func (p inboxPage) Waited(t message.Thread) string { return waited(t.Waiting(p.Now, p.Hours)) }

// waited says a wait in working time: "new" (the team has not been at
// work since, or not for a minute), "40 min", "5 h".
func waited(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "new"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	default:
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
}

// showInbox is GET /inbox.
func (s *Server) showInbox(w http.ResponseWriter, r *http.Request, m account.Member) error {
	ts, err := s.Messages.Inbox(r.Context(), m)
	if err != nil {
		return err
	}
	org, err := s.Accounts.Org(r.Context(), m.OrgID)
	if err != nil {
		return err
	}
	d := inboxPage{Threads: ts, Now: time.Now(), TZ: s.memberZone(r.Context(), m), Hours: org.Work}
	s.render(w, r, http.StatusOK, "inbox", s.teamPage(r.Context(), m, "inbox", "Inbox", d))
	return nil
}

// snippet is the start of s on one line, at most n characters, cut at a
// word where it can be.
func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

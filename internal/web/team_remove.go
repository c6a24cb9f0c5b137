package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

// removeMember takes a member off the team, once the box saying so is
// ticked: the team page asks before it sends this.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	target, err := s.Accounts.Member(r.Context(), m, id)
	if err != nil {
		return err
	}
	if r.PostFormValue("sure") == "" {
		return apperr.Invalid("sure", "tick the box to confirm that %s should be removed", target.Name)
	}
	if err := s.Accounts.RemoveMember(r.Context(), m, id); err != nil {
		msg, _, err := formProblem(err)
		if err != nil {
			return err
		}
		s.setFlash(w, "Not removed: "+msg)
		return redirect(w, r, "/team")
	}
	s.setFlash(w, target.Name+" is removed from the team and signed out everywhere; their API tokens no longer work. Their reviews, notes and messages stay.")
	return redirect(w, r, "/team")
}

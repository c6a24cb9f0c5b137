package api

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

// showMe answers GET /api/v1/me: who the token acts for, in which
// organisation, allowed to do what.
func (s *Server) showMe(w http.ResponseWriter, r *http.Request, m account.Member) error {
	org, err := s.Accounts.Org(r.Context(), m.OrgID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newMe(m, org))
	return nil
}

package api

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

type memberJSON struct {
	ID        int64   `json:"id"`
	Name      string  `json:"name"`
	Email     string  `json:"email"`
	Role      string  `json:"role"`
	CreatedAt string  `json:"created_at"`
	RemovedAt *string `json:"removed_at"` // null while on the team
}

// listMembers answers GET /api/v1/members: the team, removed members
// included, for owners and admins.
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, m account.Member) error {
	members, err := s.Accounts.Team(r.Context(), m)
	if err != nil {
		return err
	}
	out := struct {
		Members []memberJSON `json:"members"`
	}{Members: []memberJSON{}}
	for _, x := range members {
		out.Members = append(out.Members, memberJSON{ID: x.ID, Name: x.Name, Email: x.Email, Role: string(x.Role),
			CreatedAt: ts(x.CreatedAt), RemovedAt: tsp(x.DisabledAt)})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// removeMember answers DELETE /api/v1/members/{id}: the member leaves
// the team at once (see account.RemoveMember); their reviews stay.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "member")
	if err != nil {
		return err
	}
	if err := s.Accounts.RemoveMember(r.Context(), m, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

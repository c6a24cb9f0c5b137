package api

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

type sessionJSON struct {
	ID         int64   `json:"id"`
	Device     string  `json:"device"` // "Firefox on Linux"
	UserAgent  string  `json:"user_agent"`
	IP         string  `json:"ip"`
	CreatedAt  string  `json:"created_at"`
	LastSeenAt *string `json:"last_seen_at"`
	ExpiresAt  string  `json:"expires_at"`
}

// listSessions answers GET /api/v1/me/sessions: where the token's member
// is signed in on the web.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request, m account.Member) error {
	list, err := s.Accounts.Sessions(r.Context(), m, "")
	if err != nil {
		return err
	}
	out := struct {
		Sessions []sessionJSON `json:"sessions"`
	}{Sessions: []sessionJSON{}}
	for _, x := range list {
		out.Sessions = append(out.Sessions, sessionJSON{ID: x.ID, Device: x.Device(), UserAgent: x.UserAgent, IP: x.IP,
			CreatedAt: ts(x.CreatedAt), LastSeenAt: tsp(x.LastSeenAt), ExpiresAt: ts(x.ExpiresAt)})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// endSession answers DELETE /api/v1/me/sessions/{id}.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "session")
	if err != nil {
		return err
	}
	if err := s.Accounts.EndSession(r.Context(), m, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// endAllSessions answers DELETE /api/v1/me/sessions: signed out of the
// web everywhere. API tokens are not sessions and keep working.
func (s *Server) endAllSessions(w http.ResponseWriter, r *http.Request, m account.Member) error {
	if _, err := s.Accounts.EndOtherSessions(r.Context(), m, ""); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

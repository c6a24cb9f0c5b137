package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

// changePassword sets a new password after the current one, and signs the
// member out of every other session.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, m account.Member) error {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return err
	}
	err = s.Accounts.ChangePassword(r.Context(), m, r.PostFormValue("current_password"), r.PostFormValue("new_password"), c.Value,
		account.Client{IP: httpx.ClientIP(r), UserAgent: r.UserAgent()})
	if err != nil {
		return s.settingsFailed(w, r, m, "password", err, func(*settingsPage) {})
	}
	s.setFlash(w, "Your password is changed. Your other sessions are signed out; this one stays.")
	return redirect(w, r, "/settings")
}

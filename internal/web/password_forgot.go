package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

type forgotPage struct {
	Email   string
	CanSend bool // an SMTP server is set up
	Sent    bool // the request went in
}

// showForgot asks for the address to send a link to choose a new
// password to.
func (s *Server) showForgot(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "password_forgot", page{Title: "Forgot your password?", Data: forgotPage{CanSend: s.Outbox.Sends()}})
	return nil
}

// forgot answers the same, in the same time, whether or not an account
// uses the address: account.RequestPasswordReset does the same work for
// both and leaves the lookup to a background task.
func (s *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	d := forgotPage{Email: r.PostFormValue("email"), CanSend: s.Outbox.Sends()}
	if !d.CanSend {
		return s.showForgot(w, r)
	}
	err := s.Accounts.RequestPasswordReset(r.Context(), d.Email, account.Client{IP: httpx.ClientIP(r), UserAgent: r.UserAgent()})
	if err != nil {
		msg, status, err := formProblem(err)
		if err != nil {
			return err
		}
		s.render(w, r, status, "password_forgot", page{Title: "Forgot your password?", Error: msg, Data: d})
		return nil
	}
	d.Sent = true
	s.render(w, r, http.StatusOK, "password_forgot", page{Title: "Forgot your password?", Data: d})
	return nil
}

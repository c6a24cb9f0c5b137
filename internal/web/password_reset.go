package web

import (
	"errors"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

type resetPage struct {
	Token string
	Email string
	Dead  string // why the link no longer works
}

// showReset is where the link in a reset email leads: a form for the
// new password. Its token is secret; httpx.LogPath keeps it out of the
// logs.
func (s *Server) showReset(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	m, err := s.Accounts.PendingReset(r.Context(), token)
	if err != nil {
		return s.resetFailed(w, r, err)
	}
	s.render(w, r, http.StatusOK, "password_reset", page{Title: "Choose a new password", Data: resetPage{Token: token, Email: m.Email}})
	return nil
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	c := account.Client{IP: httpx.ClientIP(r), UserAgent: r.UserAgent()}
	session, m, err := s.Accounts.ResetPassword(r.Context(), token, r.PostFormValue("password"), c)
	if errors.Is(err, apperr.ErrInvalid) {
		s.render(w, r, http.StatusBadRequest, "password_reset", page{Title: "Choose a new password", Error: apperr.Message(err),
			Data: resetPage{Token: token, Email: m.Email}})
		return nil
	}
	if err != nil {
		return s.resetFailed(w, r, err)
	}
	s.startSession(w, session)
	s.setFlash(w, "Your password is changed and you are signed in. Every other session was signed out.")
	return redirect(w, r, "/")
}

// resetFailed explains a link that no longer works.
func (s *Server) resetFailed(w http.ResponseWriter, r *http.Request, err error) error {
	if !errors.Is(err, apperr.ErrNotFound) {
		return err
	}
	s.render(w, r, http.StatusNotFound, "password_reset", page{Title: "This link no longer works", Data: resetPage{Dead: apperr.Message(err)}})
	return nil
}

package web

import (
	"errors"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

type joinPage struct {
	Token string
	Org   string
	Email string
	Role  account.Role
	Name  string
}

// showJoin is where an invited team member chooses a name and password.
// Its token is secret; httpx.LogPath keeps it out of the logs.
func (s *Server) showJoin(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	inv, org, err := s.Accounts.PendingInvite(r.Context(), token)
	if err != nil {
		return s.joinFailed(w, r, err)
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "join", page{Title: "Join " + org.Name, Data: joinPage{Token: token, Org: org.Name, Email: inv.Email, Role: inv.Role}})
	return nil
}

func (s *Server) join(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	token := r.PathValue("token")
	inv, org, err := s.Accounts.PendingInvite(ctx, token)
	if err != nil {
		return s.joinFailed(w, r, err)
	}
	in := joinPage{Token: token, Org: org.Name, Email: inv.Email, Role: inv.Role, Name: r.PostFormValue("name")}
	c := account.Client{IP: httpx.ClientIP(r), UserAgent: r.UserAgent()}
	m, err := s.Accounts.AcceptInvite(ctx, token, in.Name, r.PostFormValue("password"), c)
	if err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			return s.joinFailed(w, r, err)
		}
		msg, status, err := formProblem(err)
		if err != nil {
			return err
		}
		s.render(w, r, status, "join", page{Title: "Join " + org.Name, Error: msg, Data: in})
		return nil
	}
	session, err := s.Accounts.StartSession(ctx, m, c)
	if err != nil {
		return err
	}
	s.startSession(w, session)
	s.setFlash(w, "Welcome to "+org.Name+", "+m.Name+".")
	return redirect(w, r, "/")
}

// joinFailed explains an invitation link that no longer works.
func (s *Server) joinFailed(w http.ResponseWriter, r *http.Request, err error) error {
	if !errors.Is(err, apperr.ErrNotFound) {
		return err
	}
	msg := apperr.Message(err)
	if msg == "invitation not found" {
		msg = "This invitation link is not valid. Check that you copied all of it, or ask your team for a new one."
	}
	s.render(w, r, http.StatusNotFound, "error", page{Title: "This invitation link does not work", Data: errorPage{Message: msg, Status: http.StatusNotFound}})
	return nil
}

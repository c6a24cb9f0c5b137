package web

import (
	"errors"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

type joinConfirmPage struct {
	Token   string
	Org     string
	Email   string
	Role    account.Role
	Name    string
	Refused string // why the address cannot join: it has an account
	Dead    string // why the link no longer works
}

// showJoinConfirm is where the emailed link to finish joining leads. It
// asks for a click rather than joining on the GET, which mail scanners
// send too. Its token is secret; httpx.LogPath keeps it out of the logs.
func (s *Server) showJoinConfirm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	j, err := s.Accounts.PendingJoin(r.Context(), token)
	if err != nil {
		return s.joinConfirmFailed(w, r, j, err)
	}
	s.render(w, r, http.StatusOK, "join_confirm", page{Title: "Join " + j.Org.Name, Data: joinConfirmPage{
		Token: token, Org: j.Org.Name, Email: j.Invite.Email, Role: j.Invite.Role, Name: j.Name}})
	return nil
}

func (s *Server) joinConfirm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	session, m, err := s.Accounts.ConfirmJoin(r.Context(), token, account.Client{IP: httpx.ClientIP(r), UserAgent: r.UserAgent()})
	if err != nil {
		j, _ := s.Accounts.PendingJoin(r.Context(), token)
		return s.joinConfirmFailed(w, r, j, err)
	}
	s.startSession(w, session)
	org, err := s.Accounts.Org(r.Context(), m.OrgID)
	if err != nil {
		return err
	}
	s.setFlash(w, "Welcome to "+org.Name+", "+m.Name+".")
	return redirect(w, r, "/")
}

// joinConfirmFailed explains a link that no longer works, or an address
// that cannot join because it has an account: only the address's owner
// has the link, so telling them reveals nothing.
func (s *Server) joinConfirmFailed(w http.ResponseWriter, r *http.Request, j account.JoinRequest, err error) error {
	switch {
	case errors.Is(err, apperr.ErrConflict):
		s.render(w, r, http.StatusConflict, "join_confirm", page{Title: "This address already has an account",
			Data: joinConfirmPage{Org: j.Org.Name, Email: j.Invite.Email, Refused: apperr.Message(err)}})
	case errors.Is(err, apperr.ErrNotFound):
		s.render(w, r, http.StatusNotFound, "join_confirm", page{Title: "This link no longer works", Data: joinConfirmPage{Dead: apperr.Message(err)}})
	default:
		return err
	}
	return nil
}

package web

import (
	"context"
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
	Mode  joinMode
	Sent  bool // the link to finish joining is on its way
}

// joinMode is how an invitation is accepted on this installation.
//
// Saying at once that an invited address already has an account would
// let any organisation learn whether someone's address is in use on
// this installation: invite it, open the link yourself (the inviter sees
// it), and read the answer. So, where anyhour can email, the page keeps
// the name and password and emails the address a link, saying the same
// for every address; only the address's owner, through the link, learns
// whether it can join (account/join.go). Without an email server, there
// is no one to tell privately: joining is immediate only where this is
// the installation's one organisation, as every account there is on
// this team and the inviter sees the team anyway; with several
// organisations it waits until an email server is set up.
type joinMode int

const (
	joinByEmail joinMode = iota
	joinAtOnce
	joinNeedsEmail
)

// ByEmail and NeedsEmail are for the page.
func (m joinMode) ByEmail() bool    { return m == joinByEmail }
func (m joinMode) NeedsEmail() bool { return m == joinNeedsEmail }

func (s *Server) joinMode(ctx context.Context, inv account.Invite) (joinMode, error) {
	if s.Outbox.Sends() {
		return joinByEmail, nil
	}
	sole, err := s.Accounts.SoleOrg(ctx, inv.OrgID)
	if err != nil || !sole {
		return joinNeedsEmail, err
	}
	return joinAtOnce, nil
}

// showJoin is where an invited team member chooses a name and password.
// Its token is secret; httpx.LogPath keeps it out of the logs.
func (s *Server) showJoin(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	inv, org, err := s.Accounts.PendingInvite(r.Context(), token)
	if err != nil {
		return s.joinFailed(w, r, err)
	}
	mode, err := s.joinMode(r.Context(), inv)
	if err != nil {
		return err
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "join", page{Title: "Join " + org.Name, Data: joinPage{Token: token, Org: org.Name, Email: inv.Email, Role: inv.Role, Mode: mode}})
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
	if in.Mode, err = s.joinMode(ctx, inv); err != nil {
		return err
	}
	c := account.Client{IP: httpx.ClientIP(r), UserAgent: r.UserAgent()}
	var m account.Member
	switch in.Mode {
	case joinNeedsEmail:
		s.render(w, r, http.StatusConflict, "join", page{Title: "Join " + org.Name, Data: in})
		return nil
	case joinByEmail:
		err = s.Accounts.RequestJoin(ctx, token, in.Name, r.PostFormValue("password"), c)
	default:
		m, err = s.Accounts.AcceptInvite(ctx, token, in.Name, r.PostFormValue("password"), c)
	}
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
	if in.Mode == joinByEmail {
		in.Sent = true
		s.render(w, r, http.StatusOK, "join", page{Title: "Check your email", Data: in})
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

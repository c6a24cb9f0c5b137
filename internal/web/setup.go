package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

type setupPage struct {
	Org, Name, Email, TimeZone string
	// Chosen: the zone came from the form, so the page leaves it; on
	// the first visit the browser's zone replaces the default.
	Chosen bool
}

// showSetup is the first-run page, shown only while no organisation exists.
func (s *Server) showSetup(w http.ResponseWriter, r *http.Request) error {
	if has, err := s.Accounts.HasOrg(r.Context()); err != nil || has {
		if err != nil {
			return err
		}
		return redirect(w, r, "/login")
	}
	s.render(w, r, http.StatusOK, "setup", page{Title: "Set up anyhour", Data: setupPage{TimeZone: "UTC"}})
	return nil
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	in := setupPage{Org: r.PostFormValue("org"), Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), TimeZone: r.PostFormValue("tz"), Chosen: true}
	_, owner, err := s.Accounts.Setup(r.Context(), account.NewOrg{
		OrgName: in.Org, TimeZone: in.TimeZone, Name: in.Name, Email: in.Email, Password: r.PostFormValue("password"),
	})
	if err != nil {
		msg, err := formError(err)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusBadRequest, "setup", page{Title: "Set up anyhour", Error: msg, Data: in})
		return nil
	}
	token, err := s.Accounts.StartSession(r.Context(), owner, account.Client{IP: httpx.ClientIP(r), UserAgent: r.UserAgent()})
	if err != nil {
		return err
	}
	s.startSession(w, token)
	s.setFlash(w, "Your organisation is ready. Create your first job.")
	return redirect(w, r, "/")
}

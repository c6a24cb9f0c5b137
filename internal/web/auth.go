package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
)

const (
	sessionCookie = account.SessionCookie
	flashCookie   = "anyhour_flash"
	// candidateCookiePrefix + application id holds that application's
	// link token, so one browser can hold several applications at once.
	candidateCookiePrefix = "anyhour_c"
)

func (s *Server) setCookie(w http.ResponseWriter, name, value, path string, maxAge time.Duration) {
	c := &http.Cookie{
		Name: name, Value: value, Path: path,
		HttpOnly: true, Secure: s.secureCookie, SameSite: http.SameSiteLaxMode,
	}
	if maxAge < 0 {
		c.MaxAge = -1
	} else if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
	}
	http.SetCookie(w, c)
}

// teamHandler is a page handler for a signed-in team member.
type teamHandler func(w http.ResponseWriter, r *http.Request, m account.Member) error

// team wraps h so that it runs only for a signed-in member; anyone else is
// sent to the sign-in page and brought back after.
func (s *Server) team(h teamHandler) http.HandlerFunc {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		m, err := s.currentMember(r)
		if err != nil {
			if has, herr := s.Accounts.HasOrg(r.Context()); herr == nil && !has {
				return redirect(w, r, "/setup")
			}
			return err
		}
		return h(w, r, m)
	})
}

func (s *Server) currentMember(r *http.Request) (account.Member, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return account.Member{}, apperr.New(apperr.ErrUnauthenticated, "please sign in")
	}
	return s.Accounts.SessionMember(r.Context(), c.Value)
}

// startSession signs m in on this browser.
func (s *Server) startSession(w http.ResponseWriter, token string) {
	s.setCookie(w, sessionCookie, token, "/", account.SessionLifetime)
}

// teamPage fills the layout fields for a team page.
func (s *Server) teamPage(ctx context.Context, m account.Member, nav, title string, data any) page {
	p := page{Title: title, Member: &m, Nav: nav, Data: data}
	if org, err := s.Accounts.Org(ctx, m.OrgID); err == nil {
		p.Org = &org
	}
	p.Waiting, _ = s.Messages.Waiting(ctx, m)
	p.Reviews, _ = s.Assignments.Waiting(ctx, m)
	return p
}

// zone is the time zone a member reads times in.
func zone(m account.Member, org *account.Org) string {
	if m.TimeZone != "" {
		return m.TimeZone
	}
	if org != nil {
		return org.TimeZone
	}
	return "UTC"
}

// errLinkReplaced explains a link that stopped working while in use.
var errLinkReplaced = &apperr.Error{Kind: apperr.ErrUnauthenticated,
	Message: "the team has sent you a new link for this interview, so this one stopped working"}

// candidateHandler is a page handler for a candidate in their application.
type candidateHandler func(w http.ResponseWriter, r *http.Request, a application.Application) error

// candidate wraps h so that it runs only with the application's cookie,
// set when the candidate opened their magic link.
func (s *Server) candidate(h candidateHandler) http.HandlerFunc {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "app")
		if err != nil {
			return err
		}
		c, err := r.Cookie(candidateCookiePrefix + strconv.FormatInt(id, 10))
		if err != nil {
			s.renderBadLink(w, r, apperr.New(apperr.ErrUnauthenticated, "open the interview from the link in your invitation email to continue"))
			return nil
		}
		a, err := s.Applications.ByToken(r.Context(), c.Value)
		if errors.Is(err, application.ErrLinkUnknown) {
			// The browser held a link that worked: the team has since
			// made a new one.
			err = errLinkReplaced
		}
		if errors.Is(err, apperr.ErrUnauthenticated) {
			s.renderBadLink(w, r, err)
			return nil
		}
		if err != nil {
			return err
		}
		if a.ID != id {
			return apperr.NotFound("application")
		}
		w.Header().Set("Referrer-Policy", "no-referrer")
		return h(w, r, a)
	})
}

// setFlash shows msg once on the next page.
func (s *Server) setFlash(w http.ResponseWriter, msg string) {
	s.setCookie(w, flashCookie, url.QueryEscape(msg), "/", time.Minute)
}

func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1})
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}

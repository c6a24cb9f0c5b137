package web

import (
	"net/http"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

type loginPage struct {
	Email string
	Next  string
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) error {
	if has, err := s.Accounts.HasOrg(r.Context()); err == nil && !has {
		return redirect(w, r, "/setup")
	}
	s.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Data: loginPage{Next: safeNext(r.URL.Query().Get("next"))}})
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	email, next := r.PostFormValue("email"), safeNext(r.PostFormValue("next"))
	token, _, err := s.Accounts.Login(r.Context(), email, r.PostFormValue("password"),
		account.Client{IP: httpx.ClientIP(r), UserAgent: r.UserAgent()})
	if err != nil {
		msg, err := formError(err)
		if err != nil {
			return err
		}
		status, _ := httpx.Status(err)
		if status == http.StatusInternalServerError {
			status = http.StatusUnauthorized
		}
		s.render(w, r, http.StatusUnauthorized, "login", page{Title: "Sign in", Error: msg, Data: loginPage{Email: email, Next: next}})
		return nil
	}
	s.startSession(w, token)
	return redirect(w, r, next)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Accounts.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.setCookie(w, sessionCookie, "", "/", -1)
	return redirect(w, r, "/login")
}

// safeNext keeps a post-sign-in destination on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

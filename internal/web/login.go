package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"

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
		msg, ferr := formError(err)
		if ferr != nil {
			return ferr
		}
		s.render(w, r, loginStatus(err), "login", page{Title: "Sign in", Error: sentence(msg), Data: loginPage{Email: email, Next: next}})
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

// safeNext keeps a post-sign-in destination on this site. Browsers strip
// tabs and newlines from URLs and read a backslash as a slash, so
// "/\t/evil.example" would become "//evil.example": any control character
// or backslash is refused, and the path is rebuilt from its parsed form.
func safeNext(next string) string {
	if strings.ContainsAny(next, "\\") || strings.IndexFunc(next, unicode.IsControl) >= 0 {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return u.RequestURI()
}

// loginStatus is 429 for a rate-limited sign-in and 401 for the rest.
func loginStatus(err error) int {
	if status, _ := httpx.Status(err); status == http.StatusTooManyRequests {
		return status
	}
	return http.StatusUnauthorized
}

package api

import (
	"net/http"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/interview"
)

// auth says which credential a route takes. The two bearer kinds never
// stand in for each other: an invitation token on a team route, or an
// API token on a candidate route, is 401.
type auth int

const (
	authNone      auth = iota // anyone
	authTeam                  // Authorization: Bearer <API token>
	authCandidate             // Authorization: Bearer <invitation token>
)

// public makes a route anyone may call.
func (s *Server) public(method, pattern string, h handlerFunc) route {
	return route{method: method, pattern: pattern, auth: authNone, handler: h}
}

// team makes a route for members of a team, authorised by an API token.
func (s *Server) team(method, pattern string, h func(w http.ResponseWriter, r *http.Request, m account.Member) error) route {
	return route{method: method, pattern: pattern, auth: authTeam, handler: func(w http.ResponseWriter, r *http.Request) error {
		token, err := bearer(r, "an API token")
		if err != nil {
			return err
		}
		m, err := s.Accounts.TokenMember(r.Context(), token)
		if err != nil {
			return err
		}
		return h(w, r, m)
	}}
}

// candidate makes a route for a candidate, authorised by the invitation
// token of their magic link; the handler gets the application it opens.
func (s *Server) candidate(method, pattern string, h func(w http.ResponseWriter, r *http.Request, a interview.Application) error) route {
	return route{method: method, pattern: pattern, auth: authCandidate, handler: func(w http.ResponseWriter, r *http.Request) error {
		token, err := bearer(r, "the invitation token of the candidate's link")
		if err != nil {
			return err
		}
		if account.IsAPIToken(token) {
			return apperr.New(apperr.ErrUnauthenticated, "this route is for candidates and takes the invitation token of their link, not an API token")
		}
		a, err := s.Interviews.ByToken(r.Context(), token)
		if err != nil {
			return err
		}
		return h(w, r, a)
	}}
}

// bearer returns the token of an "Authorization: Bearer <token>" header;
// what names the kind of token the route wants, for the message.
func bearer(r *http.Request, what string) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", apperr.New(apperr.ErrUnauthenticated, "send Authorization: Bearer <token>, with %s", what)
	}
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", apperr.New(apperr.ErrUnauthenticated, "the Authorization header must read Bearer <token>, with %s", what)
	}
	return token, nil
}

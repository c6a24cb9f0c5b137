package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/video"
)

// auth says which credential a route takes. The two bearer kinds never
// stand in for each other: an invitation token on a team route, or an
// API token on a candidate route, is 401.
type auth int

const (
	authNone      auth = iota // anyone
	authTeam                  // Authorization: Bearer <API token>
	authCandidate             // Authorization: Bearer <invitation token>
	authEither                // either bearer token: a recording is watched by the team and by the candidate who made it
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
func (s *Server) candidate(method, pattern string, h func(w http.ResponseWriter, r *http.Request, a application.Application) error) route {
	return route{method: method, pattern: pattern, auth: authCandidate, handler: func(w http.ResponseWriter, r *http.Request) error {
		token, err := bearer(r, "the invitation token of the candidate's link")
		if err != nil {
			return err
		}
		if account.IsAPIToken(token) {
			return apperr.New(apperr.ErrUnauthenticated, "this route is for candidates and takes the invitation token of their link, not an API token")
		}
		a, err := s.Applications.ByToken(r.Context(), token)
		if err != nil {
			return err
		}
		return h(w, r, a)
	}}
}

// viewer makes a route for team members and candidates alike; the
// handler gets who is calling, and decides what each may see.
func (s *Server) viewer(method, pattern string, h func(w http.ResponseWriter, r *http.Request, who video.Viewer) error) route {
	return route{method: method, pattern: pattern, auth: authEither, handler: func(w http.ResponseWriter, r *http.Request) error {
		token, err := bearer(r, "an API token or the invitation token of the candidate's link")
		if err != nil {
			return err
		}
		who, err := s.tokenViewer(r.Context(), token)
		if err != nil {
			return err
		}
		return h(w, r, who)
	}}
}

func (s *Server) tokenViewer(ctx context.Context, token string) (video.Viewer, error) {
	if account.IsAPIToken(token) {
		m, err := s.Accounts.TokenMember(ctx, token)
		return video.MemberViewer(m), err
	}
	a, err := s.Applications.ByToken(ctx, token)
	return video.CandidateViewer(a), err
}

// Viewer says who sends an upload request (package upload): a bearer
// token of either kind, or else a team member's web session, so that the
// recruiter's recorder in the browser uploads without an API token.
func (s *Server) Viewer(r *http.Request) (video.Viewer, error) {
	if r.Header.Get("Authorization") != "" {
		token, err := bearer(r, "an API token or the invitation token of the candidate's link")
		if err != nil {
			return video.Viewer{}, err
		}
		return s.tokenViewer(r.Context(), token)
	}
	if c, err := r.Cookie(account.SessionCookie); err == nil {
		m, err := s.Accounts.SessionMember(r.Context(), c.Value)
		if err == nil {
			return video.MemberViewer(m), nil
		}
	}
	return video.Viewer{}, apperr.New(apperr.ErrUnauthenticated, "send Authorization: Bearer <token>, with an API token or the invitation token of the candidate's link")
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

package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

// memberZone is the time zone m reads times in: their own, else their
// organisation's.
func (s *Server) memberZone(ctx context.Context, m account.Member) string {
	if m.TimeZone != "" {
		return m.TimeZone
	}
	org, err := s.Accounts.Org(ctx, m.OrgID)
	if err != nil {
		return "UTC"
	}
	return zone(m, &org)
}

// formProblem sorts an error from a form post: a message to show above the
// form again, with its status, or an error for the error page. Forbidden
// and not-found are never form messages: a member without the permission
// gets the 403 page, another organisation's id the 404 page.
func formProblem(err error) (string, int, error) {
	if errors.Is(err, apperr.ErrForbidden) || errors.Is(err, apperr.ErrNotFound) {
		return "", 0, err
	}
	msg, ferr := formError(err)
	if ferr != nil {
		return "", 0, ferr
	}
	status, _ := httpx.Status(err)
	return msg, status, nil
}

// need returns a 403 error unless m's role allows p, for pages whose
// domain calls would only refuse on submit.
func need(m account.Member, p account.Permission, what string) error {
	if !m.Can(p) {
		return apperr.Forbidden("your role cannot %s", what)
	}
	return nil
}

// queryID reads an optional positive id from the query; 0 when absent.
func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Invalid(name, "%s must be a positive number", name)
	}
	return id, nil
}

// candidateLink is the magic link a candidate opens.
func (s *Server) candidateLink(token string) string { return s.cfg.BaseURL + "/c/" + token }

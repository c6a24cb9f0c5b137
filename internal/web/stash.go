package web

import (
	"errors"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/stash"
)

// stashCookiePrefix + a stash's id names the cookie holding its key.
const stashCookiePrefix = "anyhour_stash_"

// showOnce keeps a form's result (package stash) and redirects to base/<id>,
// whose handler shows it with openStash: a reload shows the result again
// instead of posting the form again. The key stays in a cookie for that
// address only.
func (s *Server) showOnce(w http.ResponseWriter, r *http.Request, m account.Member, base string, v any) error {
	id, key, err := s.Stashes.Put(r.Context(), m.ID, v)
	if err != nil {
		return err
	}
	path := base + "/" + id
	s.setCookie(w, stashCookiePrefix+id, key, path, stash.TTL)
	return redirect(w, r, path)
}

// openStash opens the result showOnce kept for the address r names (its
// path value "stash"). found is false once it has expired, or for a
// browser without its key.
func (s *Server) openStash(r *http.Request, m account.Member, v any) (found bool, err error) {
	id := r.PathValue("stash")
	c, err := r.Cookie(stashCookiePrefix + id)
	if err != nil {
		return false, nil
	}
	err = s.Stashes.Get(r.Context(), m.ID, id, c.Value, v)
	if errors.Is(err, apperr.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

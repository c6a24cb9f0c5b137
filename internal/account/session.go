package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// SessionCookie is the name of the cookie holding a web session's token.
// The pages set it; the upload endpoint also accepts it.
const SessionCookie = "anyhour_session"

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 14 * 24 * time.Hour

// Client describes where a request came from, for sessions and the audit log.
type Client struct {
	IP        string
	UserAgent string
}

// Login checks an email and password and starts a session, returning its
// token for the cookie. Failures are rate limited per address and per
// email, take as long whether or not the account exists, and say nothing
// about which of the two was wrong.
func (s *Service) Login(ctx context.Context, email, password string, c Client) (token string, m Member, err error) {
	now := s.now()
	email = strings.ToLower(strings.TrimSpace(email))
	attempt, ok, err := s.reserve(ctx, now, signInLimit, c, email)
	if err != nil {
		return "", m, err
	}
	if !ok {
		return "", m, apperr.New(apperr.ErrRateLimited, "too many sign-in attempts; wait a few minutes and try again")
	}
	var hash string
	m, err = scanMember(s.db.QueryRow(ctx, `SELECT `+memberColumns+`, m.password_hash FROM members m WHERE m.email = $1`, normalizeLoose(email)), &hash)
	found := err == nil
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return "", m, err
	}
	if !found || hash == "" {
		hash = dummyHash
	}
	ok, err = checkPasswordBounded(ctx, hash, password)
	if err != nil {
		return "", m, err
	}
	if !found || !ok || m.DisabledAt != nil {
		if found {
			why := "wrong password"
			if ok {
				why = "removed from the team"
			}
			// Recorded off the request path: a reply that waited for this
			// write would take longer for real accounts than for unknown
			// addresses, and tell them apart.
			go s.auditDirect(context.WithoutCancel(ctx), m.OrgID, nil, m.Email, "member.login_failed", m.Email, why, c.IP)
		}
		return "", Member{}, apperr.New(apperr.ErrUnauthenticated, "that email and password do not match an account")
	}
	// A sign-in that works is not counted against the address or the
	// account. Should giving it back fail, it stays counted until its
	// window ends: no reason to refuse the sign-in.
	_ = attempt.Give(ctx)
	token = NewToken("ahs_")
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		_, err := tx.Exec(ctx, `INSERT INTO sessions (member_id, token_hash, created_at, expires_at, user_agent, ip)
			VALUES ($1, $2, $3, $4, $5, $6)`, m.ID, HashToken(token), now, now.Add(SessionLifetime), truncate(c.UserAgent, 300), c.IP)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, m, "member.login", m.Email, "", c.IP)
	})
	return token, m, err
}

// StartSession opens a session for m without a password, after another
// proof of identity (accepting an invitation, the first-run page).
func (s *Service) StartSession(ctx context.Context, m Member, c Client) (_ string, err error) {
	defer apperr.Wrap(&err, "account.StartSession")
	return s.startSession(ctx, s.db, m, c)
}

func (s *Service) startSession(ctx context.Context, db *sqldb.DB, m Member, c Client) (string, error) {
	now := s.now()
	token := NewToken("ahs_")
	_, err := db.Exec(ctx, `INSERT INTO sessions (member_id, token_hash, created_at, expires_at, user_agent, ip)
		VALUES ($1, $2, $3, $4, $5, $6)`, m.ID, HashToken(token), now, now.Add(SessionLifetime), truncate(c.UserAgent, 300), c.IP)
	return token, err
}

// SessionMember returns the member signed in with a session token.
func (s *Service) SessionMember(ctx context.Context, token string) (_ Member, err error) {
	defer apperr.Wrap(&err, "account.SessionMember")
	if token == "" {
		return Member{}, apperr.New(apperr.ErrUnauthenticated, "please sign in")
	}
	var id int64
	var lastSeen *time.Time
	now := s.now()
	m, err := scanMember(s.db.QueryRow(ctx, `SELECT `+memberColumns+`, s.id, s.last_seen_at
		FROM sessions s JOIN members m ON m.id = s.member_id
		WHERE s.token_hash = $1 AND s.expires_at > $2`, HashToken(token), now), &id, &lastSeen)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && m.DisabledAt != nil) {
		return Member{}, apperr.New(apperr.ErrUnauthenticated, "your session has ended; please sign in again")
	}
	if err != nil {
		return Member{}, err
	}
	// At most once a minute, as for API tokens: a write per request would
	// make every page view a write on SQLite's single writer.
	if lastSeen == nil || now.Sub(*lastSeen) > time.Minute {
		if _, err := s.db.Exec(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, now, id); err != nil {
			return Member{}, err
		}
	}
	return m, nil
}

// Logout ends the session with token.
func (s *Service) Logout(ctx context.Context, token string) (err error) {
	defer apperr.Wrap(&err, "account.Logout")
	_, err = s.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, HashToken(token))
	return err
}

func normalizeLoose(email string) string {
	e, err := NormalizeEmail(email)
	if err != nil {
		return ""
	}
	return e
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// apiTokenPrefix starts every API token, so that secret scanners and people
// can recognise one.
const apiTokenPrefix = "ahk_"

// IsAPIToken reports whether s has the form of an API token, so that a
// token sent to the wrong kind of route gets a message that says so.
func IsAPIToken(s string) bool { return strings.HasPrefix(s, apiTokenPrefix) }

// CreateAPIToken makes a new API token for actor, acting with actor's role.
// The returned secret is shown once and never again.
func (s *Service) CreateAPIToken(ctx context.Context, actor Member, name string) (secret string, t APIToken, err error) {
	if name, err = tokenName.Check(name); err != nil {
		return "", t, apperr.Invalid("name", "give the token a name that says where it is used (%s)", apperr.Message(err))
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		secret, t, err = s.createAPIToken(ctx, tx, actor, name)
		return err
	})
	return secret, t, err
}

func (s *Service) createAPIToken(ctx context.Context, tx *sqldb.DB, actor Member, name string) (string, APIToken, error) {
	secret := NewToken(apiTokenPrefix)
	t := APIToken{MemberID: actor.ID, Name: truncate(name, 100), Hint: secret[len(secret)-4:], CreatedAt: s.now()}
	err := tx.QueryRow(ctx, `INSERT INTO api_tokens (org_id, member_id, name, token_hash, hint, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, actor.OrgID, actor.ID, t.Name, HashToken(secret), t.Hint, t.CreatedAt).Scan(&t.ID)
	if err != nil {
		return "", t, err
	}
	return secret, t, s.audit(ctx, tx, actor, "token.create", "token "+t.Name, "…"+t.Hint, "")
}

// APITokens lists actor's own tokens, newest first.
func (s *Service) APITokens(ctx context.Context, actor Member) (_ []APIToken, err error) {
	defer apperr.Wrap(&err, "account.APITokens")
	rows, err := s.db.Query(ctx, `SELECT id, member_id, name, hint, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE member_id = $1 ORDER BY id DESC`, actor.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		if err := rows.Scan(&t.ID, &t.MemberID, &t.Name, &t.Hint, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken stops a token of actor's from working.
func (s *Service) RevokeAPIToken(ctx context.Context, actor Member, id int64) (err error) {
	defer apperr.Wrap(&err, "account.RevokeAPIToken(%d)", id)
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var name string
		err := tx.QueryRow(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND member_id = $3 AND revoked_at IS NULL RETURNING name`,
			s.now(), id, actor.ID).Scan(&name)
		if errors.Is(err, sqldb.ErrNotFound) {
			return apperr.NotFound("token")
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "token.revoke", "token "+name, "", "")
	})
}

// TokenMember returns the member an API token acts for.
func (s *Service) TokenMember(ctx context.Context, secret string) (_ Member, err error) {
	defer apperr.Wrap(&err, "account.TokenMember")
	if !strings.HasPrefix(secret, apiTokenPrefix) {
		return Member{}, apperr.New(apperr.ErrUnauthenticated, "that is not an API token")
	}
	var tokenID int64
	var lastUsed *time.Time
	m, err := scanMember(s.db.QueryRow(ctx, `SELECT `+memberColumns+`, t.id, t.last_used_at
		FROM api_tokens t JOIN members m ON m.id = t.member_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, HashToken(secret)), &tokenID, &lastUsed)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && m.DisabledAt != nil) {
		return Member{}, apperr.New(apperr.ErrUnauthenticated, "the API token is unknown or revoked")
	}
	if err != nil {
		return Member{}, err
	}
	// Record use at most once a minute: a write per request would make
	// every read a write on SQLite's single writer.
	now := s.now()
	if lastUsed == nil || now.Sub(*lastUsed) > time.Minute {
		if _, err := s.db.Exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, tokenID); err != nil {
			return Member{}, err
		}
	}
	return m, nil
}

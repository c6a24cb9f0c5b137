package account

import (
	"context"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// ChangePassword sets actor's password to next once current proves it is
// them, and signs them out of every other session, keeping the one with
// token keep. Wrong guesses of current count against the same limits as
// sign-ins, so a stolen session cannot be used to guess the password.
func (s *Service) ChangePassword(ctx context.Context, actor Member, current, next, keep string, c Client) (err error) {
	defer apperr.Wrap(&err, "account.ChangePassword(%d)", actor.ID)
	if err := checkNewPassword(next); err != nil {
		return err
	}
	attempt, ok, err := s.reserve(ctx, s.now(), signInLimit, c, actor.Email)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.ErrRateLimited, "too many wrong passwords; wait a few minutes and try again")
	}
	var hash string
	if err := s.db.QueryRow(ctx, `SELECT password_hash FROM members WHERE id = $1`, actor.ID).Scan(&hash); err != nil {
		return err
	}
	ok = false
	if hash != "" {
		if ok, err = checkPasswordBounded(ctx, hash, current); err != nil {
			return err
		}
	}
	if !ok {
		return apperr.Invalid("current_password", "that is not your current password")
	}
	// Not counted against them after all. Should giving it back fail,
	// the attempt stays counted until its window ends: no reason to
	// refuse the change.
	_ = attempt.Give(ctx)
	newHash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `UPDATE members SET password_hash = $1 WHERE id = $2`, newHash, actor.ID); err != nil {
			return err
		}
		if _, err := endSessionsBut(ctx, tx, actor.ID, keep); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "member.password", actor.Email, "changed; other sessions ended", c.IP)
	})
}

// checkNewPassword applies the one rule for a new password: its length.
func checkNewPassword(p string) error {
	if len(p) < MinPasswordLength {
		return apperr.Invalid("password", "the password must have at least %d characters", MinPasswordLength)
	}
	return nil
}

package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// ResetLifetime is how long a link to reset a password works once it is
// sent.
const ResetLifetime = time.Hour

// resetTask is the queue task that looks up the address of a request to
// reset a password, off the request's path.
const resetTask = "account.password_reset"

// ResetHook is work another package does for a request to reset m's
// password, in its transaction: package notify queues the email, whose
// ref is ref; the link is made when it is sent, by ResetLink.
type ResetHook func(ctx context.Context, tx *sqldb.DB, m Member, ref string) error

// OnPasswordReset adds a hook to requests to reset a password. Call it
// while wiring services.
func (s *Service) OnPasswordReset(hook ResetHook) { s.resetHooks = append(s.resetHooks, hook) }

// errResetLink explains any link that cannot reset a password: unknown,
// used, expired, replaced, or its member removed. One message for all,
// so that a link says nothing about the account behind it.
var errResetLink = apperr.New(apperr.ErrNotFound,
	"This link to choose a new password no longer works: a link works once, for an hour after it is sent, and only the newest one does. Ask for a new one.")

type resetRequest struct {
	Email string `json:"email"`
	IP    string `json:"ip"`
}

// RequestPasswordReset asks for a link to reset the password of the
// account using email, if there is one. It does the same work whatever
// the address, so that neither its answer nor its time tells whether an
// account uses it: it queues a task, and the task, off the request's
// path, looks the address up and queues the email. Requests are limited
// per address and per email, as sign-ins are.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, c Client) (err error) {
	defer apperr.Wrap(&err, "account.RequestPasswordReset")
	email, err = NormalizeEmail(email)
	if err != nil {
		return err
	}
	_, ok, err := s.reserve(ctx, s.now(), emailLimit, c, email)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.ErrRateLimited, "too many requests to reset a password; wait a few minutes and try again")
	}
	_, err = queue.Enqueue(ctx, s.db, resetTask, resetRequest{Email: email, IP: c.IP}, queue.MaxAttempts(5))
	return err
}

// RegisterTasks adds the account's background work to w.
func (s *Service) RegisterTasks(w *queue.Worker) { w.Handle(resetTask, s.handleResetRequest) }

func (s *Service) handleResetRequest(ctx context.Context, t queue.Task) error {
	var req resetRequest
	if err := t.Decode(&req); err != nil {
		return queue.Permanent(err)
	}
	m, err := s.memberByEmail(ctx, s.db, req.Email)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && m.DisabledAt != nil) {
		return nil // nobody to write to, and nobody to tell
	}
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		// Only the newest request of a member can work (see newestReset),
		// so this one replaces the others. Nothing is deleted: SQLite
		// would give a new row a deleted one's id, and an old email's
		// reference would name the new request.
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO password_resets (member_id, requested_at) VALUES ($1, $2) RETURNING id`, m.ID, s.now()).Scan(&id); err != nil {
			return err
		}
		for _, hook := range s.resetHooks {
			if err := hook(ctx, tx, m, resetRef(id)); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, m, "member.password_reset_request", m.Email, "", req.IP)
	})
}

// newestReset holds for a row of password_resets that no newer request
// of the same member has replaced.
const newestReset = `NOT EXISTS (SELECT 1 FROM password_resets newer
	WHERE newer.member_id = password_resets.member_id AND newer.id > password_resets.id)`

func resetRef(id int64) string { return fmt.Sprintf("password_reset:%d", id) }

// ResetLink makes the token of the link for the reset request that ref
// (given to ResetHook) names, as its email is sent; the link works for
// ResetLifetime from now. A request replaced by a newer one, already
// used, or whose member was removed gets no link.
func (s *Service) ResetLink(ctx context.Context, ref string) (token string, err error) {
	defer apperr.Wrap(&err, "account.ResetLink(%q)", ref)
	id, err := strconv.ParseInt(strings.TrimPrefix(ref, "password_reset:"), 10, 64)
	if err != nil || !strings.HasPrefix(ref, "password_reset:") {
		return "", apperr.New(apperr.ErrNotFound, "%q names no request to reset a password", ref)
	}
	token = NewToken("ahr_")
	now := s.now()
	res, err := s.db.Exec(ctx, `UPDATE password_resets SET token_hash = $1, expires_at = $2
		WHERE id = $3 AND used_at IS NULL AND `+newestReset+`
		AND member_id IN (SELECT id FROM members WHERE disabled_at IS NULL)`, HashToken(token), now.Add(ResetLifetime), id)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return "", apperr.New(apperr.ErrNotFound, "a newer request replaced it, it was used, or its member was removed")
	}
	return token, nil
}

// PendingReset returns the member a reset link's token would set the
// password of, if the link still works.
func (s *Service) PendingReset(ctx context.Context, token string) (_ Member, err error) {
	defer apperr.Wrap(&err, "account.PendingReset")
	m, err := scanMember(s.db.QueryRow(ctx, `SELECT `+memberColumns+` FROM password_resets JOIN members m ON m.id = password_resets.member_id
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 AND `+newestReset+` AND m.disabled_at IS NULL`, HashToken(token), s.now()))
	if errors.Is(err, apperr.ErrNotFound) {
		return m, errResetLink
	}
	return m, err
}

// ResetPassword sets a new password with a reset link's token, once: it
// ends all of the member's sessions, then starts one for this browser,
// whose token it returns.
func (s *Service) ResetPassword(ctx context.Context, token, password string, c Client) (session string, m Member, err error) {
	defer apperr.Wrap(&err, "account.ResetPassword")
	if m, err = s.PendingReset(ctx, token); err != nil {
		return "", m, err
	}
	if err := checkNewPassword(password); err != nil {
		return "", m, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return "", m, err
	}
	now := s.now()
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		// Claim the link in one statement: of two uses at once, one wins.
		var memberID int64
		err := tx.QueryRow(ctx, `UPDATE password_resets SET used_at = $1
			WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 AND `+newestReset+` RETURNING member_id`, now, HashToken(token)).Scan(&memberID)
		if errors.Is(err, sqldb.ErrNotFound) || (err == nil && memberID != m.ID) {
			return errResetLink
		}
		if err != nil {
			return err
		}
		if m, err = s.currentMember(ctx, tx, m); err != nil {
			return errResetLink
		}
		if _, err := tx.Exec(ctx, `UPDATE members SET password_hash = $1 WHERE id = $2`, hash, m.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE member_id = $1`, m.ID); err != nil {
			return err
		}
		if session, err = s.startSession(ctx, tx, m, c); err != nil {
			return err
		}
		return s.audit(ctx, tx, m, "member.password_reset", m.Email, "every session ended", c.IP)
	})
	if err != nil {
		return "", Member{}, err
	}
	return session, m, nil
}

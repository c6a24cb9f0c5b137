package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Joining a team by email.
//
// An invitation link is shown to whoever invites, who passes it on; so
// whoever opens it may be the inviter. If joining answered at once that
// the address already has an account (with another team: an address
// belongs to one team), an organisation could learn whether anyone's
// address is in use elsewhere on this installation by inviting it and
// opening the link itself. So when anyhour can send email, joining never
// looks the address up on the request's path. RequestJoin keeps the name
// and password chosen, whatever the address, and emails the address a
// link; the reply is the same for every address. Only the link, which
// only the address's owner receives, leads to the outcome: the account
// is made (or a member removed from this team comes back), or the page
// says that the address already has an account. No second account is
// ever made for an address.

// JoinHook is work another package does for a request to join, in its
// transaction: package notify emails the invited address, with ref as
// the email's reference; the link is made when it is sent, by JoinLink.
type JoinHook func(ctx context.Context, tx *sqldb.DB, inv Invite, org Org, name, ref string) error

// OnJoinRequest adds a hook to RequestJoin. Call it while wiring
// services.
func (s *Service) OnJoinRequest(hook JoinHook) { s.joinHooks = append(s.joinHooks, hook) }

// errJoinLink explains any link to finish joining that no longer works.
var errJoinLink = apperr.New(apperr.ErrNotFound,
	"This link to finish joining no longer works: a link works once, for an hour after it is sent, and only the newest one does, while the invitation lasts. Open your invitation again for a new one.")

// RequestJoin keeps the name and password chosen on an invitation's page
// and has the invited address emailed a link to finish joining. It does
// the same whatever the address: see the comment at the top of this file.
// Requests are limited per address and per email, as sign-ins are.
func (s *Service) RequestJoin(ctx context.Context, secret, name, password string, c Client) (err error) {
	defer apperr.Wrap(&err, "account.RequestJoin")
	inv, org, err := s.PendingInvite(ctx, secret)
	if err != nil {
		return err
	}
	if name, err = memberName(name, inv.Email); err != nil {
		return err
	}
	if err := checkNewPassword(password); err != nil {
		return err
	}
	// Each request emails the address: limited like requests to reset a
	// password, on the same counter, so that an invitation link cannot
	// be used to flood an inbox.
	_, ok, err := s.reserve(ctx, s.now(), emailLimit, c, inv.Email)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.ErrRateLimited, "too many requests to join; wait a few minutes and try again")
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO member_joins (invite_id, name, password_hash, requested_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			inv.ID, name, hash, s.now()).Scan(&id); err != nil {
			return err
		}
		for _, hook := range s.joinHooks {
			if err := hook(ctx, tx, inv, org, name, joinRef(id)); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, inv.OrgID, nil, inv.Email, "member.join_request", inv.Email, string(inv.Role), c.IP, s.now())
	})
}

func joinRef(id int64) string { return fmt.Sprintf("member_join:%d", id) }

// newestJoin holds for a row of member_joins that no newer request on
// the same invitation has replaced.
const newestJoin = `NOT EXISTS (SELECT 1 FROM member_joins newer
	WHERE newer.invite_id = member_joins.invite_id AND newer.id > member_joins.id)`

// joinPending holds for a row of member_joins whose invitation can still
// be accepted at $1.
const joinPending = `invite_id IN (SELECT id FROM member_invites
	WHERE accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1)`

// JoinLink makes the token of the link for the request to join that ref
// (given to JoinHook) names, as its email is sent; the link works for
// ResetLifetime from now, while the invitation lasts.
func (s *Service) JoinLink(ctx context.Context, ref string) (token string, err error) {
	defer apperr.Wrap(&err, "account.JoinLink(%q)", ref)
	id, err := strconv.ParseInt(strings.TrimPrefix(ref, "member_join:"), 10, 64)
	if err != nil || !strings.HasPrefix(ref, "member_join:") {
		return "", apperr.New(apperr.ErrNotFound, "%q names no request to join", ref)
	}
	token = NewToken("ahj_")
	now := s.now()
	res, err := s.db.Exec(ctx, `UPDATE member_joins SET token_hash = $2, expires_at = $3
		WHERE id = $4 AND used_at IS NULL AND `+newestJoin+` AND `+joinPending, now, HashToken(token), now.Add(ResetLifetime), id)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return "", apperr.New(apperr.ErrNotFound, "a newer request replaced it, it was used, or the invitation ended")
	}
	return token, nil
}

// JoinRequest is a request to join whose link works.
type JoinRequest struct {
	Invite Invite
	Org    Org
	Name   string // the name chosen
}

// PendingJoin returns the request a link to finish joining belongs to,
// if the link works. Only the invited address receives the link, so here
// it is told if it cannot join: it is on this team already, or has an
// account with another.
func (s *Service) PendingJoin(ctx context.Context, token string) (_ JoinRequest, err error) {
	defer apperr.Wrap(&err, "account.PendingJoin")
	var j JoinRequest
	var inviteID int64
	err = s.db.QueryRow(ctx, `SELECT invite_id, name FROM member_joins
		WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 AND `+newestJoin+` AND `+joinPending,
		s.now(), HashToken(token)).Scan(&inviteID, &j.Name)
	if errors.Is(err, sqldb.ErrNotFound) {
		return j, errJoinLink
	}
	if err != nil {
		return j, err
	}
	if j.Invite, err = scanInvite(s.db.QueryRow(ctx, `SELECT `+inviteColumns+` FROM member_invites WHERE id = $1`, inviteID)); err != nil {
		return j, err
	}
	if j.Org, err = s.Org(ctx, j.Invite.OrgID); err != nil {
		return j, err
	}
	m, err := s.memberByEmail(ctx, s.db, j.Invite.Email)
	if errors.Is(err, apperr.ErrNotFound) {
		return j, nil
	}
	if err != nil {
		return j, err
	}
	return j, joinable(m, j.Invite)
}

// joinable says why m, who has the address inv was sent to, cannot join
// inv's team, or nil: a member removed from it may come back.
func joinable(m Member, inv Invite) error {
	switch {
	case m.OrgID == inv.OrgID && m.DisabledAt != nil:
		return nil
	case m.OrgID == inv.OrgID:
		return apperr.Conflict("%s is already on this team; sign in instead", m.Email)
	}
	return apperr.Conflict("%s already has an account on anyhour, with another team, and an address can belong to one team only; sign in with it, or ask for an invitation to another of your addresses", m.Email)
}

// ConfirmJoin finishes a request to join with the link's token: the
// member is made with the name and password chosen, the invitation and
// the link are used, and a session starts for this browser.
func (s *Service) ConfirmJoin(ctx context.Context, token string, c Client) (session string, m Member, err error) {
	defer apperr.Wrap(&err, "account.ConfirmJoin")
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var inviteID int64
		var name, hash string
		// Claim the link in one statement: of two uses at once, one wins.
		err := tx.QueryRow(ctx, `UPDATE member_joins SET used_at = $1
			WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 AND `+newestJoin+` AND `+joinPending+`
			RETURNING invite_id, name, password_hash`, s.now(), HashToken(token)).Scan(&inviteID, &name, &hash)
		if errors.Is(err, sqldb.ErrNotFound) {
			return errJoinLink
		}
		if err != nil {
			return err
		}
		inv, err := scanInvite(tx.QueryRow(ctx, `SELECT `+inviteColumns+` FROM member_invites WHERE id = $1`, inviteID))
		if err != nil {
			return err
		}
		if m, err = s.join(ctx, tx, inv, name, hash, c.IP); err != nil {
			return err
		}
		session, err = s.startSession(ctx, tx, m, c)
		return err
	})
	if err != nil {
		return "", Member{}, err
	}
	return session, m, nil
}

package account

import (
	"context"
	"errors"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// InviteLifetime is how long a team invitation link works.
const InviteLifetime = 7 * 24 * time.Hour

const inviteColumns = `id, org_id, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at`

func scanInvite(row interface{ Scan(...any) error }) (Invite, error) {
	var i Invite
	err := row.Scan(&i.ID, &i.OrgID, &i.Email, &i.Role, &i.InvitedBy, &i.CreatedAt, &i.ExpiresAt, &i.AcceptedAt, &i.RevokedAt)
	if errors.Is(err, sqldb.ErrNotFound) {
		return i, apperr.NotFound("invitation")
	}
	return i, err
}

// InviteMember invites email to join actor's team with role, and returns
// the secret for the invitation link.
func (s *Service) InviteMember(ctx context.Context, actor Member, email string, role Role) (secret string, inv Invite, err error) {
	if !actor.Can(ManageOrg) {
		return "", inv, apperr.Forbidden("only owners and admins can invite team members")
	}
	if !role.Valid() {
		return "", inv, apperr.Invalid("role", "unknown role %q", role)
	}
	if role == Owner && actor.Role != Owner {
		return "", inv, apperr.Forbidden("only an owner can invite another owner")
	}
	if email, err = NormalizeEmail(email); err != nil {
		return "", inv, err
	}
	secret = NewToken("ahi_")
	now := s.now()
	inv = Invite{OrgID: actor.OrgID, Email: email, Role: role, InvitedBy: actor.ID, CreatedAt: now, ExpiresAt: now.Add(InviteLifetime)}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		// Only this team's members are refused here: saying that an address
		// has an account elsewhere would tell one organisation about
		// another's people. Such an invitation fails when it is accepted,
		// and says so only to the address's owner (see RequestJoin). A
		// member removed from the team may be invited back.
		if m, err := s.memberByEmail(ctx, tx, email); err == nil && m.OrgID == actor.OrgID && m.DisabledAt == nil {
			return apperr.Conflict("%s is already on your team", email)
		}
		err := tx.QueryRow(ctx, `INSERT INTO member_invites (org_id, email, role, token_hash, invited_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			inv.OrgID, inv.Email, inv.Role, HashToken(secret), inv.InvitedBy, inv.CreatedAt, inv.ExpiresAt).Scan(&inv.ID)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "member.invite", email, string(role), "")
	})
	return secret, inv, err
}

// Invites lists actor's organisation's invitations, newest first.
func (s *Service) Invites(ctx context.Context, actor Member) (_ []Invite, err error) {
	defer apperr.Wrap(&err, "account.Invites")
	if !actor.Can(ManageOrg) {
		return nil, apperr.Forbidden("only owners and admins can see invitations")
	}
	rows, err := s.db.Query(ctx, `SELECT `+inviteColumns+` FROM member_invites WHERE org_id = $1 ORDER BY id DESC LIMIT 200`, actor.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Invite
	for rows.Next() {
		i, err := scanInvite(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// RevokeInvite withdraws a pending invitation.
func (s *Service) RevokeInvite(ctx context.Context, actor Member, id int64) (err error) {
	defer apperr.Wrap(&err, "account.RevokeInvite(%d)", id)
	if !actor.Can(ManageOrg) {
		return apperr.Forbidden("only owners and admins can revoke invitations")
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var email string
		err := tx.QueryRow(ctx, `UPDATE member_invites SET revoked_at = $1 WHERE id = $2 AND org_id = $3 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING email`,
			s.now(), id, actor.OrgID).Scan(&email)
		if errors.Is(err, sqldb.ErrNotFound) {
			return apperr.NotFound("pending invitation")
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "member.invite_revoke", email, "", "")
	})
}

// PendingInvite returns the invitation a link's secret belongs to, if it
// can still be accepted.
func (s *Service) PendingInvite(ctx context.Context, secret string) (_ Invite, _ Org, err error) {
	defer apperr.Wrap(&err, "account.PendingInvite")
	inv, err := scanInvite(s.db.QueryRow(ctx, `SELECT `+inviteColumns+` FROM member_invites WHERE token_hash = $1`, HashToken(secret)))
	if err != nil {
		return inv, Org{}, err
	}
	if !inv.Pending(s.now()) {
		return inv, Org{}, errInviteGone
	}
	org, err := s.Org(ctx, inv.OrgID)
	return inv, org, err
}

// errInviteGone explains an invitation link that no longer works.
var errInviteGone = apperr.New(apperr.ErrNotFound, "this invitation has expired, was withdrawn or was already used; ask your team for a new one")

// AcceptInvite turns an invitation into a member with a password at once,
// without asking the address to show it is the holder's: for an
// installation that cannot send email (see RequestJoin), and for
// programs that hold the invitation themselves.
func (s *Service) AcceptInvite(ctx context.Context, secret, name, password string, c Client) (_ Member, err error) {
	defer apperr.Wrap(&err, "account.AcceptInvite")
	if password == "" {
		return Member{}, apperr.Invalid("password", "choose a password of at least %d characters", MinPasswordLength)
	}
	if err := checkNewPassword(password); err != nil {
		return Member{}, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return Member{}, err
	}
	var m Member
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		inv, err := scanInvite(tx.QueryRow(ctx, `SELECT `+inviteColumns+` FROM member_invites WHERE token_hash = $1`, HashToken(secret)))
		if err != nil {
			return err
		}
		if !inv.Pending(s.now()) {
			return errInviteGone
		}
		m, err = s.join(ctx, tx, inv, name, hash, c.IP)
		return err
	})
	return m, err
}

// join makes inv's address a member of its team with name and password
// hash, in tx: a new member, or one removed from this team coming back
// (keeping their id, so their old reviews are theirs again). An address
// on this team already, or with an account on another, is refused.
func (s *Service) join(ctx context.Context, tx *sqldb.DB, inv Invite, name, hash, ip string) (Member, error) {
	m, err := s.memberByEmail(ctx, tx, inv.Email)
	detail := string(inv.Role)
	switch {
	case errors.Is(err, apperr.ErrNotFound):
		if m, err = s.addMemberHash(ctx, tx, inv.OrgID, name, inv.Email, inv.Role, hash); err != nil {
			return m, err
		}
	case err != nil:
		return m, err
	default:
		if err := joinable(m, inv); err != nil {
			return m, err
		}
		if name, err = memberName(name, m.Email); err != nil {
			return m, err
		}
		if _, err := tx.Exec(ctx, `UPDATE members SET disabled_at = NULL, role = $1, name = $2, password_hash = $3 WHERE id = $4`,
			inv.Role, name, hash, m.ID); err != nil {
			return m, err
		}
		m.DisabledAt, m.Role, m.Name = nil, inv.Role, name
		detail += ", back after being removed"
	}
	if _, err := tx.Exec(ctx, `UPDATE member_invites SET accepted_at = $1 WHERE id = $2`, s.now(), inv.ID); err != nil {
		return m, err
	}
	return m, s.audit(ctx, tx, m, "member.join", m.Email, detail, ip)
}

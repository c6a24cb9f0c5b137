package account

import (
	"context"
	"errors"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// RemoveMember takes a member off actor's team. The member is disabled,
// not deleted: their reviews, notes and audit entries keep their author.
// Their sessions end and their API tokens are revoked in the same
// transaction, so their next request is refused. Only owners and admins
// remove members, only an owner removes an owner, nobody removes
// themselves, and the organisation keeps at least one owner.
func (s *Service) RemoveMember(ctx context.Context, actor Member, memberID int64) (err error) {
	defer apperr.Wrap(&err, "account.RemoveMember(%d)", memberID)
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		// Lock the organisation, then read the actor again inside the
		// lock: two owners removing each other at once must not both
		// succeed, and one demoted a moment ago acts with the new role.
		if _, err := tx.Exec(ctx, `UPDATE organizations SET name = name WHERE id = $1`, actor.OrgID); err != nil {
			return err
		}
		actor, err := s.currentMember(ctx, tx, actor)
		if err != nil {
			return err
		}
		if !actor.Can(ManageOrg) {
			return errRemoveForbidden
		}
		m, err := scanMember(tx.QueryRow(ctx, `SELECT `+memberColumns+` FROM members m WHERE id = $1 AND org_id = $2`, memberID, actor.OrgID))
		if err != nil {
			return err
		}
		if err := removeRefusal(actor, m); err != nil {
			return err
		}
		if m.Role == Owner {
			var owners int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM members WHERE org_id = $1 AND role = 'owner' AND disabled_at IS NULL`, actor.OrgID).Scan(&owners); err != nil {
				return err
			}
			if owners <= 1 {
				return apperr.Conflict("the organisation needs at least one owner")
			}
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE members SET disabled_at = $1 WHERE id = $2`, now, m.ID); err != nil {
			return err
		}
		if err := endAccess(ctx, tx, m.ID, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "member.remove", m.Email, string(m.Role), "")
	})
}

var errRemoveForbidden = apperr.Forbidden("only owners and admins can remove team members")

// removeRefusal says why actor may not remove m, or nil.
func removeRefusal(actor, m Member) error {
	switch {
	case !actor.Can(ManageOrg):
		return errRemoveForbidden
	case m.OrgID != actor.OrgID:
		return apperr.NotFound("member")
	case m.ID == actor.ID:
		return apperr.Conflict("you cannot remove yourself from the team; another owner or admin can")
	case m.DisabledAt != nil:
		return apperr.Conflict("%s was already removed from the team", m.Name)
	case m.Role == Owner && actor.Role != Owner:
		return apperr.Forbidden("only an owner can remove an owner")
	}
	return nil
}

// CanRemove reports whether a may remove m from the team, for pages to
// offer it; RemoveMember checks again when it is asked.
func (a Member) CanRemove(m Member) bool { return removeRefusal(a, m) == nil }

// endAccess ends every way m had in: sessions and API tokens. Links to
// reset the password check that their member is not disabled.
func endAccess(ctx context.Context, tx *sqldb.DB, memberID int64, now time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE member_id = $1`, memberID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE member_id = $2 AND revoked_at IS NULL`, now, memberID)
	return err
}

// currentMember reads actor again inside tx: an actor removed since their
// request began is signed out, one whose role changed acts with the new
// role.
func (s *Service) currentMember(ctx context.Context, tx *sqldb.DB, actor Member) (Member, error) {
	m, err := scanMember(tx.QueryRow(ctx, `SELECT `+memberColumns+` FROM members m WHERE id = $1`, actor.ID))
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && m.DisabledAt != nil) {
		return Member{}, apperr.New(apperr.ErrUnauthenticated, "your session has ended; please sign in again")
	}
	return m, err
}

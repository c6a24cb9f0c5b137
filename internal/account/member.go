package account

import (
	"github.com/anyhour/anyhour/internal/worktime"
	"time"

	"context"
	"errors"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// memberColumns are a member's columns, from members aliased m.
const memberColumns = `m.id, m.org_id, m.email, m.name, m.role, m.time_zone, m.created_at, m.disabled_at, m.work_start, m.work_end, m.work_days`

// scanMember reads memberColumns, then any extra columns into extra.
func scanMember(row interface{ Scan(...any) error }, extra ...any) (Member, error) {
	var m Member
	var start, end, days *int
	dest := append([]any{&m.ID, &m.OrgID, &m.Email, &m.Name, &m.Role, &m.TimeZone, &m.CreatedAt, &m.DisabledAt, &start, &end, &days}, extra...)
	err := row.Scan(dest...)
	if start != nil && end != nil && days != nil {
		m.Work = &worktime.Hours{Zone: m.TimeZone, Start: *start, End: *end, Days: worktime.FromMask(*days)}
	}
	if errors.Is(err, sqldb.ErrNotFound) {
		return m, apperr.NotFound("member")
	}
	return m, err
}

func (s *Service) memberByEmail(ctx context.Context, db *sqldb.DB, email string) (Member, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return Member{}, apperr.NotFound("member")
	}
	return scanMember(db.QueryRow(ctx, `SELECT `+memberColumns+` FROM members m WHERE email = $1`, email))
}

// Member returns the member id of actor's organisation.
func (s *Service) Member(ctx context.Context, actor Member, id int64) (_ Member, err error) {
	defer apperr.Wrap(&err, "account.Member(%d)", id)
	return scanMember(s.db.QueryRow(ctx, `SELECT `+memberColumns+` FROM members m WHERE id = $1 AND org_id = $2`, id, actor.OrgID))
}

// Members lists the members of actor's organisation.
func (s *Service) Members(ctx context.Context, actor Member) (_ []Member, err error) {
	defer apperr.Wrap(&err, "account.Members")
	rows, err := s.db.Query(ctx, `SELECT `+memberColumns+` FROM members m WHERE org_id = $1 ORDER BY name, id`, actor.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Team lists the members of actor's organisation, removed ones included,
// for owners and admins.
func (s *Service) Team(ctx context.Context, actor Member) (_ []Member, err error) {
	defer apperr.Wrap(&err, "account.Team")
	if !actor.Can(ManageOrg) {
		return nil, apperr.Forbidden("only owners and admins can list the team")
	}
	return s.Members(ctx, actor)
}

// SetRole changes a member's role. Only owners and admins may; only an
// owner may make or unmake an owner; the last owner stays an owner.
func (s *Service) SetRole(ctx context.Context, actor Member, memberID int64, role Role) (err error) {
	defer apperr.Wrap(&err, "account.SetRole")
	if !actor.Can(ManageOrg) {
		return apperr.Forbidden("only owners and admins can change roles")
	}
	if !role.Valid() {
		return apperr.Invalid("role", "unknown role %q", role)
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		// Lock the organisation first, so that two owners demoting each
		// other at once cannot both see a second owner.
		if _, err := tx.Exec(ctx, `UPDATE organizations SET name = name WHERE id = $1`, actor.OrgID); err != nil {
			return err
		}
		m, err := scanMember(tx.QueryRow(ctx, `SELECT `+memberColumns+` FROM members m WHERE id = $1 AND org_id = $2`, memberID, actor.OrgID))
		if err != nil {
			return err
		}
		if m.DisabledAt != nil {
			return apperr.Conflict("%s was removed from the team; invite them again to bring them back", m.Name)
		}
		if (m.Role == Owner || role == Owner) && actor.Role != Owner {
			return apperr.Forbidden("only an owner can make or unmake owners")
		}
		if m.Role == Owner && role != Owner {
			var owners int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM members WHERE org_id = $1 AND role = 'owner' AND disabled_at IS NULL`, actor.OrgID).Scan(&owners); err != nil {
				return err
			}
			if owners <= 1 {
				return apperr.Conflict("the organisation needs at least one owner")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE members SET role = $1 WHERE id = $2`, role, m.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "member.role", m.Email, string(m.Role)+" → "+string(role), "")
	})
}

// UpdateProfile changes the actor's own name and time zone.
func (s *Service) UpdateProfile(ctx context.Context, actor Member, name, tz string) (err error) {
	defer apperr.Wrap(&err, "account.UpdateProfile")
	name, err = personName.Check(name)
	if err != nil {
		return err
	}
	if name == "" {
		return apperr.Invalid("name", "your name cannot be empty")
	}
	if err := checkTimeZone(tz); err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE members SET name = $1, time_zone = $2 WHERE id = $3`, name, tz, actor.ID)
	return err
}

// Managers lists the enabled members of an organisation who manage it
// (owners and admins), for what the system itself must tell them.
func (s *Service) Managers(ctx context.Context, orgID int64) (_ []Member, err error) {
	defer apperr.Wrap(&err, "account.Managers(%d)", orgID)
	all, err := s.Members(ctx, Member{OrgID: orgID})
	if err != nil {
		return nil, err
	}
	var out []Member
	for _, m := range all {
		if m.DisabledAt == nil && m.Can(ManageOrg) {
			out = append(out, m)
		}
	}
	return out, nil
}

// DigestDue lists, for the members of every organisation, those due a
// daily digest: enabled, able to read applications, last sent one before
// notSince, and for whom keep (it is their morning) returns true. It
// claims nothing: ClaimDigest does, in the transaction that queues it.
func (s *Service) DigestDue(ctx context.Context, notSince time.Time, keep func(Member, Org) bool) (_ []Member, err error) {
	defer apperr.Wrap(&err, "account.DigestDue")
	rows, err := s.db.Query(ctx, `SELECT `+memberColumns+` FROM members m
		WHERE m.disabled_at IS NULL AND (m.last_digest_at IS NULL OR m.last_digest_at < $1) ORDER BY m.id`, notSince)
	if err != nil {
		return nil, err
	}
	var candidates []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if m.Can(ViewApplications) {
			candidates = append(candidates, m)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	orgs := map[int64]Org{}
	var out []Member
	for _, m := range candidates {
		org, ok := orgs[m.OrgID]
		if !ok {
			if org, err = s.Org(ctx, m.OrgID); err != nil {
				return nil, err
			}
			orgs[m.OrgID] = org
		}
		if keep(m, org) {
			out = append(out, m)
		}
	}
	return out, nil
}

// ClaimDigest marks m's digest sent at now inside tx, unless it was
// sent since notSince; it reports whether the claim was this caller's,
// so that two workers never send one member two digests.
func ClaimDigest(ctx context.Context, tx *sqldb.DB, m Member, notSince, now time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `UPDATE members SET last_digest_at = $1
		WHERE id = $2 AND (last_digest_at IS NULL OR last_digest_at < $3)`, now, m.ID, notSince)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Hours are the member's working hours: their own, or the team's, in
// their zone.
func (m Member) Hours(org Org) worktime.Hours {
	h := org.Work
	if m.Work != nil {
		h = *m.Work
	}
	h.Zone = m.TimeZone
	if h.Zone == "" {
		h.Zone = org.TimeZone
	}
	return h
}

// UpdateMyHours sets actor's own working hours; nil goes back to the
// team's.
func (s *Service) UpdateMyHours(ctx context.Context, actor Member, h *worktime.Hours) (err error) {
	defer apperr.Wrap(&err, "account.UpdateMyHours")
	var start, end, days any
	if h != nil {
		if err := h.Check(); err != nil {
			return apperr.Invalid("my_hours", "%s", err.Error())
		}
		start, end, days = h.Start, h.End, h.DaysMask()
	}
	_, err = s.db.Exec(ctx, `UPDATE members SET work_start = $1, work_end = $2, work_days = $3 WHERE id = $4`, start, end, days, actor.ID)
	return err
}

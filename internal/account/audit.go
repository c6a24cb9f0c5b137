package account

import (
	"context"
	"github.com/anyhour/anyhour/internal/apperr"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// Audit records that actor did action to target, inside the caller's
// transaction, so that the record exists exactly when the action does.
func (s *Service) Audit(ctx context.Context, tx *sqldb.DB, actor Member, action, target, detail, ip string) (err error) {
	defer apperr.Wrap(&err, "account.Audit")
	return s.audit(ctx, tx, actor, action, target, detail, ip)
}

func (s *Service) audit(ctx context.Context, tx *sqldb.DB, actor Member, action, target, detail, ip string) error {
	return insertAudit(ctx, tx, actor.OrgID, &actor.ID, actor.Email, action, target, detail, ip, s.now())
}

// AuditCandidate records an action taken by a candidate, who has no member
// id; actor is how the log shows them.
func AuditCandidate(ctx context.Context, tx *sqldb.DB, orgID int64, actor, action, target, ip string) error {
	return insertAudit(ctx, tx, orgID, nil, actor, action, target, "", ip, timeNow())
}

// auditDirect records outside any transaction, for events whose action did
// not write anything (a failed sign-in). A failure to record is ignored:
// refusing the sign-in already happened.
func (s *Service) auditDirect(ctx context.Context, orgID int64, actorID *int64, actor, action, target, detail, ip string) {
	insertAudit(ctx, s.db, orgID, actorID, actor, action, target, detail, ip, s.now())
}

func insertAudit(ctx context.Context, db *sqldb.DB, orgID int64, actorID *int64, actor, action, target, detail, ip string, at interface{}) error {
	_, err := db.Exec(ctx, `INSERT INTO audit_log (org_id, actor_id, actor, action, target, detail, ip, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, orgID, actorID, actor, action, truncate(target, 300), truncate(detail, 1000), ip, at)
	return err
}

// AuditLog returns up to limit entries of actor's organisation older than
// the entry with id before (0 for the newest), newest first.
func (s *Service) AuditLog(ctx context.Context, actor Member, before int64, limit int) (_ []AuditEntry, err error) {
	defer apperr.Wrap(&err, "account.AuditLog")
	if !actor.Can(ViewAudit) {
		return nil, errForbiddenAudit
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := `SELECT id, org_id, actor_id, actor, action, target, detail, ip, created_at FROM audit_log
		WHERE org_id = $1 AND (CAST($2 AS BIGINT) = 0 OR id < CAST($2 AS BIGINT)) ORDER BY id DESC LIMIT $3`
	rows, err := s.db.Query(ctx, q, actor.OrgID, before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.OrgID, &e.ActorID, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.IP, &e.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

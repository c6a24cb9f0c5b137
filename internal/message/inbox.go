package message

import (
	"context"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/worktime"
)

// Thread is one application's conversation as the inbox lists it.
type Thread struct {
	ApplicationID int64
	CandidateName string
	JobTitle      string
	Status        application.Status
	LastAt        time.Time
	Last          Message    // the newest message, internal notes aside
	WaitingSince  *time.Time // the candidate's oldest unanswered message, if any
}

// Waiting is how long the candidate has waited for a reply at now, in the
// team's working hours: a question sent on Friday evening has not waited
// at all by Monday 08:00. Zero if they are not waiting.
func (t Thread) Waiting(now time.Time, team worktime.Hours) time.Duration {
	if t.WaitingSince == nil {
		return 0
	}
	return team.Between(*t.WaitingSince, now)
}

// Overdue reports whether the candidate has waited past the team's
// response target: one working day.
func (t Thread) Overdue(now time.Time, team worktime.Hours) bool {
	return t.Waiting(now, team) > team.Day()
}

// MaxInbox is the most threads the inbox lists.
const MaxInbox = 200

// Inbox lists the organisation's threads for a team member: those with
// an unanswered candidate message first, the longest waiting at the top,
// then the rest, the most recent first.
func (s *Service) Inbox(ctx context.Context, actor account.Member) (_ []Thread, err error) {
	defer apperr.Wrap(&err, "message.Inbox")
	if !actor.Can(account.ViewApplications) {
		return nil, apperr.Forbidden("your role cannot read applications")
	}
	// Two statements, each read down an index in its own order (migration
	// 0041): one ORDER BY putting the waiting threads first would sort
	// every thread the organisation ever had.
	out, err := s.threads(ctx, `a.awaiting_reply_since IS NOT NULL ORDER BY a.awaiting_reply_since, a.id`, actor.OrgID)
	if err != nil || len(out) == MaxInbox {
		return out, err
	}
	rest, err := s.threads(ctx, `a.awaiting_reply_since IS NULL ORDER BY a.last_message_at DESC, a.id DESC`, actor.OrgID)
	return append(out, rest[:min(len(rest), MaxInbox-len(out))]...), err
}

// threads lists at most MaxInbox threads of organisation orgID that match
// cond, in its order. The limit is written out, not bound, so that a plan
// PostgreSQL keeps for the statement knows how few rows it reads.
func (s *Service) threads(ctx context.Context, condAndOrder string, orgID int64) ([]Thread, error) {
	rows, err := s.db.Query(ctx, `
		SELECT a.id, `+application.TeamNameSQL+`, j.title, a.status, a.last_message_at, a.awaiting_reply_since,
			m.id, COALESCE(m.member_id, 0), CASE WHEN m.member_id IS NULL THEN `+application.TeamNameSQL+` ELSE m.author_name END, m.body, m.created_at, m.seen_at
		FROM applications a
		JOIN jobs j ON j.id = a.job_id
		`+s.db.Dialect.Pick(
		// SQLite reads a thread's last message by its id.
		`JOIN messages m ON m.id = (SELECT MAX(id) FROM messages WHERE application_id = a.id AND NOT internal)`,
		// PostgreSQL would hash every message of the organisation to join
		// a page of threads; LATERAL reads each thread's last one alone.
		`JOIN LATERAL (SELECT * FROM messages WHERE application_id = a.id AND NOT internal ORDER BY id DESC LIMIT 1) m ON TRUE`)+`
		WHERE a.org_id = $1 AND a.last_message_at IS NOT NULL AND `+condAndOrder+`
		LIMIT `+strconv.Itoa(MaxInbox), orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Thread{}
	for rows.Next() {
		var t Thread
		m := &t.Last
		if err := rows.Scan(&t.ApplicationID, &t.CandidateName, &t.JobTitle, &t.Status, &t.LastAt, &t.WaitingSince,
			&m.ID, &m.MemberID, &m.AuthorName, &m.Body, &m.CreatedAt, &m.SeenAt); err != nil {
			return nil, err
		}
		m.ApplicationID = t.ApplicationID
		out = append(out, t)
	}
	return out, rows.Err()
}

// Waiting counts the organisation's threads whose candidate waits for a
// reply, for the team's navigation; 0 for members who cannot read them.
func (s *Service) Waiting(ctx context.Context, actor account.Member) (_ int, err error) {
	defer apperr.Wrap(&err, "message.Waiting")
	if !actor.Can(account.ViewApplications) {
		return 0, nil
	}
	var n int
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM applications WHERE org_id = $1 AND awaiting_reply_since IS NOT NULL AND status <> 'withdrawn'`, actor.OrgID).Scan(&n)
	return n, err
}

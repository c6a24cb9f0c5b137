package seed

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// batchRows is how many rows one INSERT carries: an application's 20
// columns make 10,000 parameters, under SQLite's 32,766 and PostgreSQL's
// 65,535.
const batchRows = 500

// txRows is how many applications one transaction inserts.
const txRows = 10_000

// values builds a multi-row INSERT's VALUES list and its arguments.
type values struct {
	sql  strings.Builder
	args []any
	rows int
}

// row adds one row of vs.
func (v *values) row(vs ...any) {
	if v.rows > 0 {
		v.sql.WriteString(", ")
	}
	v.sql.WriteString("(")
	for i, x := range vs {
		if i > 0 {
			v.sql.WriteString(", ")
		}
		v.args = append(v.args, x)
		v.sql.WriteString("$" + strconv.Itoa(len(v.args)))
	}
	v.sql.WriteString(")")
	v.rows++
}

var jobTitles = []string{"Backend Engineer", "Warehouse Lead", "Data Analyst", "Product Designer", "Support Specialist",
	"Site Reliability Engineer", "Account Executive", "Robotics Technician", "QA Engineer", "Operations Planner"}

// insertJobs inserts n open jobs of organisation orgID, one interview
// each, and returns them in order.
func insertJobs(ctx context.Context, db *sqldb.DB, orgID int64, n int, now time.Time) ([]Job, error) {
	jobs := make([]Job, n)
	byTitle := map[string]int{}
	err := db.Transact(ctx, func(tx *sqldb.DB) error {
		for lo := 0; lo < n; lo += batchRows {
			var v values
			for k := lo; k < min(lo+batchRows, n); k++ {
				jobs[k].Title = fmt.Sprintf("%s #%d", jobTitles[k%len(jobTitles)], k+1)
				byTitle[jobs[k].Title] = k
				v.row(orgID, jobs[k].Title, "open", now.Add(-history), now.Add(-history))
			}
			rows, err := tx.Query(ctx, `INSERT INTO jobs (org_id, title, status, created_at, updated_at) VALUES `+v.sql.String()+
				` RETURNING id, title`, v.args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				var title string
				if err := rows.Scan(&id, &title); err != nil {
					rows.Close()
					return err
				}
				jobs[byTitle[title]].ID = id
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			v = values{}
			for k := lo; k < min(lo+batchRows, n); k++ {
				v.row(orgID, jobs[k].ID, jobs[k].Title+" interview", 7, now.Add(-history), now.Add(-history))
			}
			rows, err = tx.Query(ctx, `INSERT INTO interviews (org_id, job_id, title, deadline_days, created_at, updated_at) VALUES `+
				v.sql.String()+` RETURNING id, job_id`, v.args...)
			if err != nil {
				return err
			}
			byJob := map[int64]int64{}
			for rows.Next() {
				var id, job int64
				if err := rows.Scan(&id, &job); err != nil {
					rows.Close()
					return err
				}
				byJob[job] = id
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for k := lo; k < min(lo+batchRows, n); k++ {
				jobs[k].InterviewID = byJob[jobs[k].ID]
			}
		}
		return nil
	})
	return jobs, err
}

// insert writes rows, txRows to a transaction.
func (w *World) insert(ctx context.Context, db *sqldb.DB, rows []appRow) error {
	for lo := 0; lo < len(rows); lo += txRows {
		part := rows[lo:min(lo+txRows, len(rows))]
		err := db.Transact(ctx, func(tx *sqldb.DB) error {
			for b := 0; b < len(part); b += batchRows {
				if err := w.insertBatch(ctx, tx, lo+b, part[b:min(b+batchRows, len(part))]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// insertBatch inserts a batch's candidates, their applications, then the
// messages, assignments and reviews that hang off them. first is the
// batch's first row's index in the world, for unique link tokens.
func (w *World) insertBatch(ctx context.Context, tx *sqldb.DB, first int, rows []appRow) error {
	var v values
	for _, r := range rows {
		v.row(w.Orgs[r.org].ID, r.name, r.email, r.invited)
	}
	ids, err := pairs(ctx, tx, `INSERT INTO candidates (org_id, name, email, created_at) VALUES `+v.sql.String()+` RETURNING id, email`, v.args)
	if err != nil {
		return fmt.Errorf("candidates: %w", err)
	}
	v = values{}
	for i := range rows {
		r := &rows[i]
		o := w.Orgs[r.org]
		j := o.Jobs[r.job]
		r.candidateID = ids[r.email]
		var last, awaiting *time.Time
		if r.thread {
			last = &r.messageAt
			if r.awaiting {
				awaiting = &r.messageAt
			}
		}
		reviews := 0
		if r.reviewed {
			reviews = 1
		}
		v.row(o.ID, j.ID, j.InterviewID, r.candidateID, r.name, r.name, r.number, r.status, r.outcome,
			fmt.Sprintf("seeded-link-%012d", first+i), r.invited, r.deadline, r.started, r.submitted, r.score, r.maxScore,
			reviews, r.updated, last, awaiting)
	}
	apps, err := pairs(ctx, tx, `INSERT INTO applications (org_id, job_id, interview_id, candidate_id, candidate_name, team_name,
		candidate_number, status, outcome, token_hash, invited_at, deadline_at, started_at, submitted_at, score, max_score,
		review_count, updated_at, last_message_at, awaiting_reply_since) VALUES `+v.sql.String()+` RETURNING id, candidate_id`, v.args)
	if err != nil {
		return fmt.Errorf("applications: %w", err)
	}
	for i := range rows {
		rows[i].id = apps[strconv.FormatInt(rows[i].candidateID, 10)]
	}
	return w.insertExtras(ctx, tx, rows)
}

// insertExtras inserts the rows' messages, assignments and reviews.
func (w *World) insertExtras(ctx context.Context, tx *sqldb.DB, rows []appRow) error {
	var msgs, assigns, reviews values
	for _, r := range rows {
		o := w.Orgs[r.org]
		if r.thread {
			if r.awaiting {
				msgs.row(o.ID, r.id, nil, r.name, "A question about the next step, please.", r.messageAt, nil)
			} else {
				msgs.row(o.ID, r.id, o.Owner.ID, o.Owner.Name, "Thank you, we will be in touch this week.", r.messageAt, r.messageAt)
			}
		}
		if r.reviewer < 0 {
			continue
		}
		m := o.reviewer(r.reviewer)
		var reviewedAt *time.Time
		if r.reviewed {
			reviewedAt = &r.reviewedAt
			reviews.row(o.ID, r.id, m.ID, r.recommendation, "", r.reviewedAt, r.reviewedAt)
		}
		var closedAt *time.Time // assign.Reconsider's mark
		if r.status != "submitted" && (r.status != "decided" || r.outcome != "hold") {
			closedAt = &r.updated
		}
		assigns.row(r.id, m.ID, o.ID, r.assignedAt, r.dueAt, reviewedAt, closedAt)
	}
	for _, x := range []struct {
		table, cols string
		v           values
	}{
		{"messages", "org_id, application_id, member_id, author_name, body, created_at, seen_at", msgs},
		{"review_assignments", "application_id, member_id, org_id, assigned_at, due_at, reviewed_at, closed_at", assigns},
		{"reviews", "org_id, application_id, member_id, recommendation, note, created_at, updated_at", reviews},
	} {
		if x.v.rows == 0 {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO `+x.table+` (`+x.cols+`) VALUES `+x.v.sql.String(), x.v.args...); err != nil {
			return fmt.Errorf("%s: %w", x.table, err)
		}
	}
	return nil
}

// reviewer is the organisation's k-th reviewer: 0 is Reviewer.
func (o Org) reviewer(k int) account.Member {
	if k == 0 {
		return o.Reviewer
	}
	return o.Others[k-1]
}

// pairs runs a multi-row INSERT … RETURNING id, key and maps each key,
// as text, to its id (the order of RETURNING rows is not promised).
func pairs(ctx context.Context, tx *sqldb.DB, q string, args []any) (map[string]int64, error) {
	rs, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := map[string]int64{}
	for rs.Next() {
		var id int64
		var key string
		if err := rs.Scan(&id, &key); err != nil {
			return nil, err
		}
		out[key] = id
	}
	return out, rs.Err()
}

// finish rebuilds what the services keep beside the rows, the per-job
// counters and per-status counts, then has the planner read the tables.
func (w *World) finish(ctx context.Context, db *sqldb.DB) error {
	err := db.Transact(ctx, func(tx *sqldb.DB) error {
		for _, q := range []string{
			`UPDATE jobs SET candidates_numbered = (SELECT COUNT(*) FROM applications a WHERE a.job_id = jobs.id)`,
			`DELETE FROM application_counts`,
			`INSERT INTO application_counts (org_id, job_id, status, n)
				SELECT org_id, job_id, status, COUNT(*) FROM applications GROUP BY org_id, job_id, status`,
			`DELETE FROM application_outcome_counts`,
			`INSERT INTO application_outcome_counts (org_id, job_id, outcome, n)
				SELECT org_id, job_id, outcome, COUNT(*) FROM applications WHERE status = 'decided' AND outcome <> ''
				GROUP BY org_id, job_id, outcome`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `ANALYZE`)
	return err
}

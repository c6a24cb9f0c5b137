package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// listSQL mirrors the query application.Service.Applications builds (see
// internal/application/list.go), so that its plan can be shown; keep the two
// in step.
const listSQL = `SELECT a.id, a.org_id, a.job_id, a.interview_id, c.id, a.candidate_name, c.email, a.status, a.time_zone,
	a.invited_at, a.deadline_at, a.started_at, a.submitted_at, a.revoked_at, a.score, a.max_score, a.review_count, a.updated_at
	FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE `

// planQuery is a query whose plan is shown, with arguments to plan it with.
type planQuery struct {
	name, sql string
	args      []any
}

// listQuery is the list query with the given filter and order.
func listQuery(name, where, order string, args ...any) planQuery {
	return planQuery{name, listSQL + where + " ORDER BY " + order + " LIMIT 51", args}
}

// planQueries are the shapes of the list query measured, and the counts
// the pages show beside a list.
func (f *fixture) planQueries() []planQuery {
	org, job, iv := f.reviewer.OrgID, f.jobs[0].ID, f.ivs[0].ID
	return []planQuery{
		listQuery("(a) job list, newest first", "a.org_id = $1 AND a.job_id = $2", "a.id DESC", org, job),
		listQuery("(a') smallest job's list", "a.org_id = $1 AND a.job_id = $2", "a.id DESC", org, f.jobs[len(f.jobs)-1].ID),
		listQuery("(b) job list, status filter", "a.org_id = $1 AND a.job_id = $2 AND a.status = $3", "a.id DESC", org, job, "submitted"),
		listQuery("(c) whole list after a cursor", "a.org_id = $1 AND a.id < $2", "a.id DESC", org, int64(1<<40)),
		listQuery("(d) job list by name", "a.org_id = $1 AND a.job_id = $2", "a.candidate_name ASC, a.id ASC", org, job),
		listQuery("(e) interview list (the API's filter)", "a.org_id = $1 AND a.interview_id = $2", "a.id DESC", org, iv),
		{"(g) CountsForJob", `SELECT job_id, status, n FROM application_counts WHERE org_id = $1 AND job_id = $2`, []any{org, job}},
		{"(h) CountsByJob", `SELECT job_id, status, n FROM application_counts WHERE org_id = $1`, []any{org}},
	}
}

// printPlans writes the plan of every query of planQueries to w, and
// reports whether any reads the whole applications table.
func (f *fixture) printPlans(ctx context.Context, w io.Writer) (fullScan bool, err error) {
	for _, pq := range f.planQueries() {
		lines, err := explain(ctx, f.db, pq.sql, pq.args)
		if err != nil {
			return fullScan, fmt.Errorf("%s: %w", pq.name, err)
		}
		sql := strings.Join(strings.Fields(pq.sql), " ")
		if i := strings.Index(sql, " WHERE "); i >= 0 && strings.HasPrefix(sql, "SELECT a.id") {
			sql = "…" + sql[i:] // the list's long column list says nothing about its plan
		}
		fmt.Fprintf(w, "  %s: %s\n", pq.name, sql)
		for _, l := range lines {
			mark := ""
			if scansApplications(f.db.Dialect, l) {
				mark, fullScan = "   <-- FULL SCAN of applications", true
			}
			fmt.Fprintf(w, "      %s%s\n", l, mark)
		}
	}
	return fullScan, nil
}

// explain returns the plan of q: EXPLAIN QUERY PLAN on SQLite, EXPLAIN on
// PostgreSQL.
func explain(ctx context.Context, db *sqldb.DB, q string, args []any) ([]string, error) {
	rows, err := db.Query(ctx, db.Dialect.Pick("EXPLAIN QUERY PLAN ", "EXPLAIN ")+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		if db.Dialect == sqldb.Postgres {
			var l string
			if err := rows.Scan(&l); err != nil {
				return nil, err
			}
			lines = append(lines, l)
			continue
		}
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		lines = append(lines, detail)
	}
	return lines, rows.Err()
}

// scansApplications reports whether a plan line reads all of applications.
func scansApplications(d sqldb.Dialect, line string) bool {
	if d == sqldb.Postgres {
		return strings.Contains(line, "Seq Scan on applications")
	}
	// "SCAN a" reads every row, through an index or not; "SEARCH a" seeks.
	f := strings.Fields(line)
	return len(f) >= 2 && f[0] == "SCAN" && (f[1] == "a" || f[1] == "applications")
}

package search

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
)

// Search finds the applications of actor's organisation whose texts hold
// every word of q.Text, as far as actor may read them (see the package
// doc). A query longer than MaxQuery is refused (apperr.ErrInvalid); one
// with no word in it searches nothing and gives an empty page whose Words
// are empty, for the page to ask for a word.
func (s *Service) Search(ctx context.Context, actor account.Member, q Query) (_ Page, err error) {
	defer apperr.Wrap(&err, "search.Search")
	if !actor.Can(account.ViewApplications) {
		return Page{}, apperr.Forbidden("your role cannot see applications")
	}
	if err := q.check(); err != nil {
		return Page{}, err
	}
	page := Page{Words: Words(q.Text)}
	if len(page.Words) == 0 {
		return page, nil
	}
	var cursor int64
	if q.Cursor != "" {
		if cursor, err = strconv.ParseInt(q.Cursor, 10, 64); err != nil || cursor <= 0 {
			return Page{}, apperr.Invalid("cursor", "the cursor is not one this server gave out")
		}
	}
	if q.Limit == 0 {
		q.Limit = 20
	}

	// Every condition on a text: the words, the organisation, what the
	// member may read, the filters.
	args := []any{actor.OrgID, engineQuery(s.db.Dialect, page.Words), actor.ID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{
		s.db.Dialect.Pick(`d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH $2)`,
			`d.tsv @@ to_tsquery('simple', $2)`),
		`d.org_id = $1`, `a.org_id = $1`,
		// Answers only once shared: they are indexed at submission, and
		// this says so again.
		`(d.kind NOT IN ('answer', 'code') OR a.submitted_at IS NOT NULL)`,
		// A review note: its author's, or others' once they have reviewed.
		`(d.kind <> 'review' OR d.member_id = $3
			OR EXISTS (SELECT 1 FROM reviews r WHERE r.application_id = d.application_id AND r.member_id = $3))`,
	}
	if q.JobID != 0 {
		where = append(where, `a.job_id = `+arg(q.JobID))
	}
	if q.Status != "" {
		where = append(where, `a.status = `+arg(q.Status))
	}
	if !q.From.IsZero() {
		where = append(where, `d.created_at >= `+arg(q.From))
	}
	if !q.To.IsZero() {
		where = append(where, `d.created_at < `+arg(q.To))
	}
	if cursor > 0 {
		where = append(where, `d.application_id < `+arg(cursor))
	}
	limit := arg(q.Limit + 1)

	rows, err := s.db.Query(ctx, `WITH hits AS (
			SELECT d.id, d.application_id FROM search_docs d JOIN applications a ON a.id = d.application_id
			WHERE `+strings.Join(where, " AND ")+`),
		page AS (SELECT DISTINCT application_id FROM hits ORDER BY application_id DESC LIMIT `+limit+`)
		SELECT a.id, a.job_id, j.title, a.status, a.outcome, a.candidate_name, c.email,
			d.kind, d.ref_id, d.body, d.created_at
		FROM page p JOIN hits h ON h.application_id = p.application_id
		JOIN search_docs d ON d.id = h.id
		JOIN applications a ON a.id = p.application_id
		JOIN candidates c ON c.id = a.candidate_id
		JOIN jobs j ON j.id = a.job_id
		ORDER BY a.id DESC, d.created_at DESC, d.id DESC`, args...)
	if err != nil {
		return Page{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var r Result
		var kind Kind
		var refID int64
		var body string
		var at time.Time
		if err := rows.Scan(&r.ApplicationID, &r.JobID, &r.JobTitle, &r.Status, &r.Outcome, &r.Name, &r.Email,
			&kind, &refID, &body, &at); err != nil {
			return Page{}, err
		}
		if n := len(page.Results); n == 0 || page.Results[n-1].ApplicationID != r.ApplicationID {
			page.Results = append(page.Results, r)
		}
		last := &page.Results[len(page.Results)-1]
		if len(last.Matches) == MaxMatches {
			last.More++
			continue
		}
		last.Matches = append(last.Matches, Match{Kind: kind, RefID: refID, CreatedAt: at, Snippet: Snippet(body, page.Words)})
	}
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	if len(page.Results) > q.Limit {
		page.Results = page.Results[:q.Limit]
		page.Next = strconv.FormatInt(page.Results[q.Limit-1].ApplicationID, 10)
	}
	return page, nil
}

func (q Query) check() error {
	if utf8.RuneCountInString(q.Text) > MaxQuery {
		return apperr.Invalid("q", "a search is at most %d characters long", MaxQuery)
	}
	if q.Status != "" && !q.Status.Valid() {
		return apperr.Invalid("status", "unknown status %q", q.Status)
	}
	if q.Limit < 0 || q.Limit > 100 {
		return apperr.Invalid("limit", "limit must be between 1 and 100")
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return apperr.Invalid("to", "the end of the dates comes after their start")
	}
	return nil
}

// Statuses lists the statuses a search is filtered by.
var Statuses = append(append([]application.Status{}, application.Statuses...), application.Withdrawn)

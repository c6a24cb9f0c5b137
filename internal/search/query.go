package search

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// windows are how many of the newest applications (below the cursor) the
// passes of a search cover, one after the other, before a last pass over
// the rest: a frequent word fills a page from the newest thousand
// applications without the engine handing over every text that holds
// it, and a rare one costs a few more small queries. Without them, a
// page of "the" would cost in proportion to the whole organisation.
var windows = []int{1_000, 10_000}

// Search finds the applications of actor's organisation whose texts hold
// every word of q.Text, as far as actor may read them (see the package
// doc), newest application first. A query longer than MaxQuery is refused
// (apperr.ErrInvalid); one with no word in it searches nothing and gives
// an empty page whose Words are empty, for the page to ask for a word.
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
	var hi int64 // applications below this id; 0: all
	if q.Cursor != "" {
		if hi, err = strconv.ParseInt(q.Cursor, 10, 64); err != nil || hi <= 0 {
			return Page{}, apperr.Invalid("cursor", "the cursor is not one this server gave out")
		}
	}
	if q.Limit == 0 {
		q.Limit = 20
	}
	m := matcher{words: page.Words}
	if m.prefix, err = s.unknownWord(ctx, page.Words[len(page.Words)-1]); err != nil {
		return Page{}, err
	}
	frequent, err := s.frequent(ctx, m)
	if err != nil {
		return Page{}, err
	}
	top := hi
	for i := 0; len(page.Results) <= q.Limit; i++ {
		var lo int64
		if frequent && i < len(windows) {
			if lo, err = s.windowStart(ctx, actor.OrgID, top, windows[i]); err != nil {
				return Page{}, err
			}
		}
		found, err := s.pass(ctx, actor, q, m, lo, hi, q.Limit+1-len(page.Results))
		if err != nil {
			return Page{}, err
		}
		page.Results = append(page.Results, found...)
		if lo == 0 {
			break
		}
		hi = lo
	}
	if len(page.Results) > q.Limit {
		page.Results = page.Results[:q.Limit]
		page.Next = strconv.FormatInt(page.Results[q.Limit-1].ApplicationID, 10)
	}
	return page, nil
}

// probe is how many texts make the words frequent, worth searching for
// in windows of the newest applications (see windows).
var probe = 2_000

// frequent reports whether the words are in at least probe texts of the
// whole index, which the engine tells without reading them all. A search
// for rarer words makes one pass over every application: its matches
// are few, whatever the size of the organisation.
func (s *Service) frequent(ctx context.Context, m matcher) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, s.db.Dialect.Pick(
		`SELECT COUNT(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH $1 LIMIT $2)`,
		`SELECT COUNT(*) FROM (SELECT 1 FROM search_docs WHERE tsv @@ to_tsquery('simple', $1) LIMIT $2) x`),
		m.engineQuery(s.db.Dialect), probe).Scan(&n)
	return n >= probe, err
}

// unknownWord reports whether no text holds word as a whole word: only
// then is it taken as the start of one. A prefix costs the engines a walk
// through every text holding any word it starts (all of a domain's
// candidates, for an email), and a word someone typed that the texts hold
// is more likely meant whole.
func (s *Service) unknownWord(ctx context.Context, word string) (bool, error) {
	m := matcher{words: []string{word}}
	var n int
	err := s.db.QueryRow(ctx, s.db.Dialect.Pick(
		`SELECT COUNT(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH $1 LIMIT 1)`,
		`SELECT COUNT(*) FROM (SELECT 1 FROM search_docs WHERE tsv @@ to_tsquery('simple', $1) LIMIT 1) x`),
		m.engineQuery(s.db.Dialect)).Scan(&n)
	return n == 0, err
}

// windowStart is the id of the n-th newest application of the
// organisation below top (0: the newest), or 0 if there are not so many.
func (s *Service) windowStart(ctx context.Context, orgID, top int64, n int) (int64, error) {
	if top == 0 {
		top = 1 << 62
	}
	var id int64
	err := s.db.QueryRow(ctx, `SELECT id FROM applications WHERE org_id = $1 AND id < $2 ORDER BY id DESC LIMIT 1 OFFSET $3`,
		orgID, top, n-1).Scan(&id)
	if errors.Is(err, sqldb.ErrNotFound) {
		return 0, nil
	}
	return id, err
}

// pass finds up to limit applications with ids in [lo, hi) (0: no bound)
// whose texts match, newest first.
func (s *Service) pass(ctx context.Context, actor account.Member, q Query, m matcher, lo, hi int64, limit int) ([]Result, error) {
	// Every condition on a text: the words, the organisation, what the
	// member may read, the filters, the applications of this pass.
	args := []any{actor.OrgID, m.engineQuery(s.db.Dialect), actor.ID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	match := s.db.Dialect.Pick(`d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH $2`+"%s"+`)`,
		`d.tsv @@ to_tsquery('simple', $2)`+"%s")
	where := []string{`d.org_id = $1`,
		// A review note: its author's, or others' once they have reviewed.
		`(d.kind <> 'review' OR d.member_id = $3
			OR EXISTS (SELECT 1 FROM reviews r WHERE r.application_id = d.application_id AND r.member_id = $3))`,
	}
	docFrom := ""
	if lo > 0 {
		where = append(where, `d.application_id >= `+arg(lo))
	}
	if lo > 0 && s.db.Dialect == sqldb.SQLite {
		// SQLite hands the FTS5 matches over as a list, every one of
		// them; but the texts of these applications are no older than
		// their oldest, which FTS5 skips to by rowid. (PostgreSQL ANDs
		// the GIN index's bitmap with the application_id index's.)
		upper := hi
		if upper == 0 {
			upper = 1 << 62
		}
		// MIN(id + 0), not MIN(id): the planner would otherwise walk the
		// rowids from the oldest text to the window's first.
		var first *int64
		if err := s.db.QueryRow(ctx, `SELECT MIN(id + 0) FROM search_docs WHERE application_id >= $1 AND application_id < $2`,
			lo, upper).Scan(&first); err != nil {
			return nil, err
		}
		if first == nil {
			return nil, nil
		}
		docFrom = ` AND rowid >= ` + arg(*first)
	}
	where = append(where, strings.Replace(match, "%s", docFrom, 1))
	if hi > 0 {
		where = append(where, `d.application_id < `+arg(hi))
	}
	if !q.From.IsZero() {
		where = append(where, `d.created_at >= `+arg(q.From))
	}
	if !q.To.IsZero() {
		where = append(where, `d.created_at < `+arg(q.To))
	}
	if q.JobID != 0 || q.Status != "" {
		cond := []string{`a.org_id = $1`}
		if q.JobID != 0 {
			cond = append(cond, `a.job_id = `+arg(q.JobID))
		}
		if q.Status != "" {
			cond = append(cond, `a.status = `+arg(q.Status))
		}
		// EXISTS, checked for each match: an IN list would have the
		// planners start from the job's applications, however many.
		where = append(where, `EXISTS (SELECT 1 FROM applications a WHERE a.id = d.application_id AND `+strings.Join(cond, " AND ")+`)`)
	}
	rows, err := s.db.Query(ctx, `WITH hits AS (SELECT d.id, d.application_id FROM search_docs d WHERE `+strings.Join(where, " AND ")+`),
		page AS (SELECT DISTINCT application_id FROM hits ORDER BY application_id DESC LIMIT `+arg(limit)+`)
		SELECT a.id, a.job_id, j.title, a.status, a.outcome, `+application.TeamNameSQL+`, `+application.TeamEmailSQL+`, a.submitted_at,
			d.kind, d.ref_id, d.body, d.created_at
		FROM page p JOIN hits h ON h.application_id = p.application_id
		JOIN search_docs d ON d.id = h.id
		JOIN applications a ON a.id = p.application_id AND a.org_id = $1
		JOIN candidates c ON c.id = a.candidate_id
		JOIN jobs j ON j.id = a.job_id
		ORDER BY a.id DESC, d.created_at DESC, d.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Result
	for rows.Next() {
		var r Result
		var kind Kind
		var refID int64
		var body string
		var at time.Time
		var submitted *time.Time
		if err := rows.Scan(&r.ApplicationID, &r.JobID, &r.JobTitle, &r.Status, &r.Outcome, &r.Name, &r.Email, &submitted,
			&kind, &refID, &body, &at); err != nil {
			return nil, err
		}
		// Answers are indexed only when submitted; should one ever be
		// there before, it is still not shown.
		if (kind == Answer || kind == Code) && submitted == nil {
			continue
		}
		if n := len(out); n == 0 || out[n-1].ApplicationID != r.ApplicationID {
			out = append(out, r)
		}
		last := &out[len(out)-1]
		if len(last.Matches) == MaxMatches {
			last.More++
			continue
		}
		last.Matches = append(last.Matches, Match{Kind: kind, RefID: refID, CreatedAt: at, Snippet: m.snippet(body)})
	}
	return out, rows.Err()
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

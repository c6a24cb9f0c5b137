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
	n, err := s.count(ctx, m)
	if err != nil {
		return Page{}, err
	}
	if n == 0 {
		// No text holds every word with the last one whole: perhaps the
		// last is the start of one.
		if m.prefix, err = s.unknownWord(ctx, page.Words[len(page.Words)-1]); err != nil {
			return Page{}, err
		}
		if m.prefix {
			if n, err = s.count(ctx, m); err != nil {
				return Page{}, err
			}
		}
		if n == 0 {
			return page, nil
		}
	}
	frequent := n >= probe
	top := hi
	for i := 0; len(page.Results) <= q.Limit; i++ {
		var lo int64
		if frequent && i < len(windows) {
			if lo, err = s.windowStart(ctx, actor.OrgID, top, windows[i]); err != nil {
				return Page{}, err
			}
		}
		found, err := s.pass(ctx, actor, q, m, frequent, lo, hi, q.Limit+1-len(page.Results))
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

// count is how many texts of the whole index hold the words, up to probe,
// which the engine tells without reading them all: words in probe texts
// or more are frequent. A search for rarer words makes one pass over
// every application: its matches are few, whatever the size of the
// organisation.
func (s *Service) count(ctx context.Context, m matcher) (int, error) {
	var n int
	// Replan: PostgreSQL reads the GIN index for a rare word and the table
	// in order for a common one, which stops at the probe-th text; a
	// plan kept for any word would do one of them for every word.
	err := s.db.QueryRow(ctx, s.db.Dialect.Pick(
		`SELECT COUNT(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH $1 LIMIT $2)`,
		`SELECT COUNT(*) FROM (SELECT 1 FROM search_docs WHERE tsv @@ to_tsquery('simple', $1) LIMIT $2) x`),
		sqldb.Replan, m.engineQuery(s.db.Dialect), max(probe, 1)).Scan(&n)
	return n, err
}

// unknownWord reports whether no text holds word as a whole word: only
// then is it taken as the start of one (asked only when no text holds
// every word of the search). A prefix costs the engines a walk
// through every text holding any word it starts (all of a domain's
// candidates, for an email), and a word someone typed that the texts hold
// is more likely meant whole.
func (s *Service) unknownWord(ctx context.Context, word string) (bool, error) {
	m := matcher{words: []string{word}}
	var n int
	// Replan, as in count: a plan kept for a common word would read the
	// whole table for a word no text holds, a prefix being typed.
	err := s.db.QueryRow(ctx, s.db.Dialect.Pick(
		`SELECT COUNT(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH $1 LIMIT 1)`,
		`SELECT COUNT(*) FROM (SELECT 1 FROM search_docs WHERE tsv @@ to_tsquery('simple', $1) LIMIT 1) x`),
		sqldb.Replan, m.engineQuery(s.db.Dialect)).Scan(&n)
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
// whose texts match, newest first; frequent is whether the words are (see
// Service.count).
func (s *Service) pass(ctx context.Context, actor account.Member, q Query, m matcher, frequent bool, lo, hi int64, limit int) ([]Result, error) {
	// Every condition on a text: the words, the organisation, what the
	// member may read, the filters, the applications of this pass.
	args := []any{actor.OrgID, m.engineQuery(s.db.Dialect), actor.ID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
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
		// their oldest, which FTS5 skips to by rowid. (PostgreSQL picks
		// the GIN index or the application_id index, below.)
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
	from, words, replan := `search_docs d`, ``, false
	switch {
	case s.db.Dialect == sqldb.SQLite:
		where = append(where, `d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH $2`+docFrom+`)`)
	case frequent:
		// The GIN index or the texts of the window's applications one by
		// one, whichever costs less for words this frequent, which
		// PostgreSQL reads in its statistics when it plans for them.
		where = append(where, `d.tsv @@ to_tsquery('simple', $2)`)
		replan = true
	default:
		// Words in fewer than probe texts: all their texts from the GIN
		// index, then the other conditions on those. MATERIALIZED, so
		// that the planner never ANDs the few texts with a range of
		// another index (the organisation's since a date, the
		// applications below the cursor), read whole; and the words as
		// a sub-select, a value it cannot see, so that every search gets
		// the same plan, which PostgreSQL keeps with the prepared
		// statement rather than plan each search anew (at 100k
		// applications, planning cost more than searching).
		words = `words AS MATERIALIZED (SELECT id, org_id, application_id, kind, member_id, created_at FROM search_docs
			WHERE tsv @@ (SELECT to_tsquery('simple', $2))),
		`
		from = `words d`
	}
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
		// A sub-select of one row, checked for each match. PostgreSQL
		// makes an EXISTS a join, which it could start from the job's
		// applications (all 10,000 of them at 100k); an IN list would
		// have both planners do so.
		where = append(where, `(SELECT `+strings.Join(cond, " AND ")+` FROM applications a WHERE a.id = d.application_id)`)
	}
	query := `WITH ` + words + `hits AS (SELECT d.id, d.application_id FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") + `),
		page AS (SELECT DISTINCT application_id FROM hits ORDER BY application_id DESC LIMIT ` + arg(limit) + `)
		SELECT a.id, a.job_id, j.title, a.status, a.outcome, ` + application.TeamNameSQL + `, ` + application.TeamEmailSQL + `, a.submitted_at,
			d.kind, d.ref_id, d.body, d.created_at
		FROM page p JOIN hits h ON h.application_id = p.application_id
		JOIN search_docs d ON d.id = h.id
		JOIN applications a ON a.id = p.application_id AND a.org_id = $1
		JOIN candidates c ON c.id = a.candidate_id
		JOIN jobs j ON j.id = a.job_id
		ORDER BY a.id DESC, d.created_at DESC, d.id DESC`
	if replan {
		args = append([]any{sqldb.Replan}, args...)
	}
	rows, err := s.db.Query(ctx, query, args...)
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

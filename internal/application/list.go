package application

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Sort orders an application list.
type Sort string

// The orders a list can take. Each is served by an index and paged by key
// (never OFFSET), so page 500 costs what page 1 does.
const (
	Newest Sort = "newest"
	Oldest Sort = "oldest"
	ByName Sort = "name"
)

// Filter selects applications of the actor's organisation.
type Filter struct {
	JobID       int64 // 0: any
	InterviewID int64 // 0: any
	Status      Status
	Outcome     string // package decision's advance, hold or reject; "" for any
	Sort        Sort
	Cursor      string // from Page.Next
	Limit       int    // 1..200, default 50
}

// Page is one page of a list and the cursor of the next (empty at the end).
type Page struct {
	Items []Application
	Next  string
}

type cursor struct {
	Sort Sort   `json:"s"`
	Name string `json:"n,omitempty"`
	ID   int64  `json:"i"`
}

// Applications lists applications matching f.
func (s *Service) Applications(ctx context.Context, actor account.Member, f Filter) (_ Page, err error) {
	defer apperr.Wrap(&err, "application.Applications")
	if !actor.Can(account.ViewApplications) {
		return Page{}, apperr.Forbidden("your role cannot see applications")
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 200 {
		return Page{}, apperr.Invalid("limit", "limit must be between 1 and 200")
	}
	if f.Sort == "" {
		f.Sort = Newest
	}
	if err := f.check(); err != nil {
		return Page{}, err
	}
	var cur cursor
	if f.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		if err != nil || json.Unmarshal(raw, &cur) != nil || cur.ID <= 0 {
			return Page{}, apperr.Invalid("cursor", "the cursor is not one this server gave out")
		}
		if cur.Sort != f.Sort {
			return Page{}, apperr.Invalid("cursor", "the cursor belongs to a list sorted by %s; ask again with the same sort", cur.Sort)
		}
	}

	q := newListQuery(s.db.Dialect, actor, f)
	var order string
	switch f.Sort {
	case Newest:
		order = q.order("DESC", "a.id")
		if cur.ID > 0 {
			q.where("a.id < " + q.arg(cur.ID))
		}
	case Oldest:
		order = q.order("ASC", "a.id")
		if cur.ID > 0 {
			q.where("a.id > " + q.arg(cur.ID))
		}
	case ByName:
		order = q.order("ASC", "a.team_name", "a.id")
		if cur.ID > 0 {
			q.where("(a.team_name, a.id) > (" + q.arg(cur.Name) + ", " + q.arg(cur.ID) + ")")
		}
	default:
		return Page{}, apperr.Invalid("sort", "sort is newest, oldest or name, not %q", f.Sort)
	}
	limit := literalLimit(f.Limit + 1)
	rows, err := s.db.Query(ctx, `SELECT `+applicationColumns+q.from()+`WHERE `+q.sql()+
		` ORDER BY `+order+` LIMIT `+limit, q.args...)
	if err != nil {
		return Page{}, err
	}
	defer rows.Close()
	var page Page
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return Page{}, err
		}
		page.Items = append(page.Items, a.Shown())
	}
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		last := page.Items[f.Limit-1]
		c := cursor{Sort: f.Sort, ID: last.ID}
		if f.Sort == ByName {
			c.Name = last.Candidate.Name
		}
		raw, _ := json.Marshal(c)
		page.Next = base64.RawURLEncoding.EncodeToString(raw)
	}
	return page, nil
}

// Outcomes names the outcomes a list may be filtered by: package
// decision's, which this package stores without knowing.
var Outcomes = []string{"advance", "hold", "reject"}

func (f Filter) check() error {
	if f.Status != "" && !f.Status.Valid() {
		return apperr.Invalid("status", "unknown status %q", f.Status)
	}
	if f.Outcome != "" && !slices.Contains(Outcomes, f.Outcome) {
		return apperr.Invalid("outcome", "outcome is advance, hold or reject, not %q", f.Outcome)
	}
	return nil
}

// listQuery builds the FROM and WHERE clauses and the order of a list of
// applications.
type listQuery struct {
	conds []string
	args  []any
	lead  string // the column the list's index starts with
	index string // the index the list is read down
	d     sqldb.Dialect
}

// newListQuery selects the applications of actor's organisation that f
// filters (not its cursor), read down the index of its narrowest filter:
// the job's, else the interview's, else the organisation's, each going on
// with the status (or outcome) filtered by and the order (migrations 0001,
// 0021, 0035 and 0041).
func newListQuery(d sqldb.Dialect, actor account.Member, f Filter) *listQuery {
	q := &listQuery{d: d}
	byName := f.Sort == ByName
	switch {
	case f.JobID != 0:
		q.where("a.org_id = " + q.arg(actor.OrgID))
		q.leadBy("a.job_id", f.JobID)
		if f.InterviewID != 0 {
			q.where("a.interview_id = " + q.arg(f.InterviewID))
		}
		switch {
		case byName && f.Outcome != "":
			q.index = "applications_job_outcome_name"
		case byName && f.Status != "":
			q.index = "applications_job_status_name"
		case byName:
			q.index = "applications_job_name"
		case f.Outcome != "":
			q.index = "applications_job_outcome"
		case f.Status != "":
			q.index = "applications_job_status"
		default:
			q.index = "applications_job"
		}
	case f.InterviewID != 0:
		q.where("a.org_id = " + q.arg(actor.OrgID))
		q.leadBy("a.interview_id", f.InterviewID)
		q.index = pick(byName, f.Status != "" || f.Outcome != "", "applications_interview")
	default:
		q.leadBy("a.org_id", actor.OrgID)
		q.index = pick(byName, f.Status != "" || f.Outcome != "", "applications_org")
	}
	if f.Status != "" {
		q.where("a.status = " + q.arg(f.Status))
	}
	if f.Outcome != "" {
		q.where("a.status = 'decided' AND a.outcome = " + q.arg(f.Outcome))
	}
	return q
}

// holds says whether a is in the list f describes (its cursor aside): the
// conditions newListQuery writes in SQL, asked of a row in hand.
func (f Filter) holds(a Application) bool {
	switch {
	case f.JobID != 0 && a.JobID != f.JobID, f.InterviewID != 0 && a.InterviewID != f.InterviewID:
		return false
	case f.Status != "" && a.Status != f.Status:
		return false
	case f.Outcome != "" && (a.Status != Decided || a.Outcome != f.Outcome):
		return false
	}
	return true
}

// pick names the index of prefix (an interview's or the organisation's)
// for a list sorted by name or by id, filtered by status or not.
func pick(byName, byStatus bool, prefix string) string {
	switch {
	case byName:
		return prefix + "_name" // the status checked row by row
	case byStatus:
		return prefix + "_status"
	}
	return prefix
}

// leadBy keeps the rows whose column col is v, col being the first column
// of the index the list is read down, and puts col first in the list's
// order.
//
// Why: a job's list ordered by id can be read down the job's index
// (job_id, id), or down the primary key, skipping other jobs' rows. Both
// planners may take the second when the job is large, PostgreSQL reckoning
// its rows spread evenly over the ids: but when they are the oldest (a
// large job opened long ago, which is normal), it reads every newer row of
// every other job first (78,000 rows for one page in the test that found
// it). The same goes for an organisation with most of the rows, on SQLite
// too, and for the page after a cursor (a.id < $n).
//
// On PostgreSQL, col first in the order leaves only col's index able to
// give the order without a sort. But PostgreSQL drops from an order a
// column that the WHERE clause holds to one value with =, as it orders
// nothing; col = ANY of a one-value array selects the same rows through
// the same index, and keeps col in the order. SQLite ignores an ordered
// column held to one value whatever the form; there the FROM clause names
// the index (INDEXED BY, see from), as SQLite allows.
// TestListPlansOnSkewedData checks the plans of both.
func (q *listQuery) leadBy(col string, v int64) {
	q.lead = col
	if q.d == sqldb.Postgres {
		q.where(col + " = ANY(" + q.arg([]int64{v}) + ")")
		return
	}
	q.where(col + " = " + q.arg(v))
}

// from is the list's FROM clause: applications and their candidates, on
// SQLite read down the list's index.
func (q *listQuery) from() string {
	if q.d == sqldb.Postgres {
		return applicationFrom
	}
	return ` FROM applications a` + q.indexed() + ` JOIN candidates c ON c.id = a.candidate_id `
}

// indexed names, after "applications a", the index the list is read down:
// on SQLite only (see leadBy).
func (q *listQuery) indexed() string {
	if q.d == sqldb.Postgres {
		return ""
	}
	return ` INDEXED BY ` + q.index
}

// listTotal is the number of applications in the list f describes. A
// job's list, whole or by status or outcome, is read from the counts kept
// beside the applications (counts.go), in one row or a few, however long
// the list; other lists are counted.
func (s *Service) listTotal(ctx context.Context, actor account.Member, f Filter) (int, error) {
	var n int
	var err error
	switch {
	case f.JobID == 0 || f.InterviewID != 0:
		q := newListQuery(s.db.Dialect, actor, f)
		err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM applications a WHERE `+q.sql(), q.args...).Scan(&n)
	case f.Outcome != "" && f.Status != "" && f.Status != Decided: // only decided applications have an outcome
	case f.Outcome != "":
		err = s.db.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM application_outcome_counts WHERE org_id = $1 AND job_id = $2 AND outcome = $3`,
			actor.OrgID, f.JobID, f.Outcome).Scan(&n)
	case f.Status != "":
		err = s.db.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM application_counts WHERE org_id = $1 AND job_id = $2 AND status = $3`,
			actor.OrgID, f.JobID, f.Status).Scan(&n)
	default:
		err = s.db.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM application_counts WHERE org_id = $1 AND job_id = $2`,
			actor.OrgID, f.JobID).Scan(&n)
	}
	return n, err
}

// order is the list's ORDER BY: its lead column, then cols, all in
// direction dir (ASC or DESC).
func (q *listQuery) order(dir string, cols ...string) string {
	out := q.lead + " " + dir
	for _, c := range cols {
		out += ", " + c + " " + dir
	}
	return out
}

// literalLimit writes a list's limit into its statement as a number, not
// as a parameter. With LIMIT $n PostgreSQL cannot cost a generic plan of
// the prepared statement below a plan for the values given, so it plans
// every execution afresh: about 0.4 ms per list at 100k applications,
// more than running it (at 1k the generic plan wins and the cost is gone,
// which made the lists 2.2x slower at 100k). With the number in the
// statement the generic plan is taken after five executions, and it
// reads the same index (leadBy: only that index gives the order; a list
// without it, such as SubmittedBefore's, may get a generic plan that
// reads a whole table: TestListPlansOnSkewedData checks both plans). A
// few page sizes make a few statements.
func literalLimit(n int) string { return strconv.Itoa(max(n, 0)) }

func (q *listQuery) where(cond string) { q.conds = append(q.conds, cond) }

func (q *listQuery) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *listQuery) sql() string { return strings.Join(q.conds, " AND ") }

// Place is where an application stands in a list: the applications on
// either side (nil at the ends) and its position, counted from 1.
type Place struct {
	Prev, Next *Application
	Position   int // 0 when a is not in the list
	Total      int
}

// Neighbours finds a's place in the list f describes (its cursor and
// limit aside), for "previous" and "next" links that keep the list's
// filter and sort.
func (s *Service) Neighbours(ctx context.Context, actor account.Member, f Filter, a Application) (_ Place, err error) {
	defer apperr.Wrap(&err, "application.Neighbours(%d)", a.ID)
	var p Place
	if !actor.Can(account.ViewApplications) {
		return p, apperr.Forbidden("your role cannot see applications")
	}
	if err := f.check(); err != nil {
		return p, err
	}
	if a.OrgID != actor.OrgID {
		return p, apperr.NotFound("application")
	}
	// before is the condition for coming before a in the list's order;
	// first and last order the list forwards and backwards.
	var before, after func(q *listQuery) string
	var forward, backward []string // a direction, then columns
	switch f.Sort {
	case "", Newest:
		before = func(q *listQuery) string { return "a.id > " + q.arg(a.ID) }
		after = func(q *listQuery) string { return "a.id < " + q.arg(a.ID) }
		forward, backward = []string{"DESC", "a.id"}, []string{"ASC", "a.id"}
	case Oldest:
		before = func(q *listQuery) string { return "a.id < " + q.arg(a.ID) }
		after = func(q *listQuery) string { return "a.id > " + q.arg(a.ID) }
		forward, backward = []string{"ASC", "a.id"}, []string{"DESC", "a.id"}
	case ByName:
		before = func(q *listQuery) string {
			return "(a.team_name, a.id) < (" + q.arg(a.Candidate.Name) + ", " + q.arg(a.ID) + ")"
		}
		after = func(q *listQuery) string {
			return "(a.team_name, a.id) > (" + q.arg(a.Candidate.Name) + ", " + q.arg(a.ID) + ")"
		}
		forward, backward = []string{"ASC", "a.team_name", "a.id"}, []string{"DESC", "a.team_name", "a.id"}
	default:
		return p, apperr.Invalid("sort", "sort is newest, oldest or name, not %q", f.Sort)
	}
	one := func(cond func(q *listQuery) string, order []string) (*Application, error) {
		q := newListQuery(s.db.Dialect, actor, f)
		q.where(cond(q))
		n, err := scanApplication(s.db.QueryRow(ctx, `SELECT `+applicationColumns+q.from()+`WHERE `+q.sql()+` ORDER BY `+q.order(order[0], order[1:]...)+` LIMIT 1`, q.args...))
		if errors.Is(err, apperr.ErrNotFound) {
			return nil, nil
		}
		n = n.Shown()
		return &n, err
	}
	if p.Prev, err = one(before, backward); err != nil {
		return p, err
	}
	if p.Next, err = one(after, forward); err != nil {
		return p, err
	}
	// a's position counts the applications before it, down an index: as
	// many entries as its position, not the whole list (the newest
	// application of a job of 20,000 read all of them). A count has no
	// order for leadBy to hold PostgreSQL to the list's index, and a
	// generic plan, made without knowing where a stands, walks the primary
	// key from a onwards: every newer row of every other job for the
	// newest application of an old job (30 ms at 100k). So it is planned
	// for its values each time (Replan).
	q := newListQuery(s.db.Dialect, actor, f)
	q.where(before(q))
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM applications a`+q.indexed()+` WHERE `+q.sql(), append([]any{sqldb.Replan}, q.args...)...).Scan(&p.Position); err != nil {
		return p, err
	}
	if p.Total, err = s.listTotal(ctx, actor, f); err != nil {
		return p, err
	}
	if f.holds(a) {
		p.Position++
	} else {
		p.Position = 0
	}
	return p, nil
}

// InOrg returns application id of organisation orgID, as the team sees it
// (Shown), without a member: for a guest whose share link names it.
// Callers check that it does.
func (s *Service) InOrg(ctx context.Context, orgID, id int64) (_ Application, err error) {
	defer apperr.Wrap(&err, "application.InOrg(%d)", id)
	a, err := scanApplication(s.db.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.id = $1 AND a.org_id = $2`, id, orgID))
	return a.Shown(), err
}

// Application returns an application of actor's organisation.
func (s *Service) Application(ctx context.Context, actor account.Member, id int64) (_ Application, err error) {
	defer apperr.Wrap(&err, "application.Application(%d)", id)
	if !actor.Can(account.ViewApplications) {
		return Application{}, apperr.NotFound("application")
	}
	a, err := scanApplication(s.db.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.id = $1 AND a.org_id = $2`, id, actor.OrgID))
	return a.Shown(), err
}

// SubmittedBefore lists actor's organisation's applications submitted
// before t and not yet decided, the oldest submission first, at most limit.
func (s *Service) SubmittedBefore(ctx context.Context, actor account.Member, t time.Time, limit int) (_ []Application, err error) {
	defer apperr.Wrap(&err, "application.SubmittedBefore")
	if !actor.Can(account.ViewApplications) {
		return nil, apperr.Forbidden("your role cannot read applications")
	}
	rows, err := s.db.Query(ctx, `SELECT `+applicationColumns+applicationFrom+`
		WHERE a.org_id = $1 AND a.status = 'submitted' AND a.submitted_at < $2 ORDER BY a.submitted_at, a.id LIMIT $3`, actor.OrgID, t, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Application{}
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a.Shown())
	}
	return out, rows.Err()
}

// SubmittedSince lists actor's organisation's applications submitted
// after t, the newest first, at most limit.
func (s *Service) SubmittedSince(ctx context.Context, actor account.Member, t time.Time, limit int) (_ []Application, err error) {
	defer apperr.Wrap(&err, "application.SubmittedSince")
	if !actor.Can(account.ViewApplications) {
		return nil, apperr.Forbidden("your role cannot read applications")
	}
	rows, err := s.db.Query(ctx, `SELECT `+applicationColumns+applicationFrom+`
		WHERE a.org_id = $1 AND a.submitted_at > $2 ORDER BY a.submitted_at DESC, a.id DESC LIMIT $3`, actor.OrgID, t, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Application{}
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a.Shown())
	}
	return out, rows.Err()
}

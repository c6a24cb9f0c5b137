package interview

import (
	"time"

	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
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
func (s *Service) Applications(ctx context.Context, actor account.Member, f Filter) (Page, error) {
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
	if f.Status != "" && !f.Status.Valid() {
		return Page{}, apperr.Invalid("status", "unknown status %q", f.Status)
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

	where := []string{"a.org_id = $1"}
	args := []any{actor.OrgID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.JobID != 0 {
		where = append(where, "a.job_id = "+arg(f.JobID))
	}
	if f.InterviewID != 0 {
		where = append(where, "a.interview_id = "+arg(f.InterviewID))
	}
	if f.Status != "" {
		where = append(where, "a.status = "+arg(f.Status))
	}
	var order string
	switch f.Sort {
	case Newest:
		order = "a.id DESC"
		if cur.ID > 0 {
			where = append(where, "a.id < "+arg(cur.ID))
		}
	case Oldest:
		order = "a.id ASC"
		if cur.ID > 0 {
			where = append(where, "a.id > "+arg(cur.ID))
		}
	case ByName:
		order = "a.candidate_name ASC, a.id ASC"
		if cur.ID > 0 {
			where = append(where, "(a.candidate_name, a.id) > ("+arg(cur.Name)+", "+arg(cur.ID)+")")
		}
	default:
		return Page{}, apperr.Invalid("sort", "sort is newest, oldest or name, not %q", f.Sort)
	}
	q := `SELECT ` + applicationColumns + applicationFrom + `WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + ` LIMIT ` + arg(f.Limit+1)
	rows, err := s.db.Query(ctx, q, args...)
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
		page.Items = append(page.Items, a)
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

// Application returns an application of actor's organisation.
func (s *Service) Application(ctx context.Context, actor account.Member, id int64) (Application, error) {
	if !actor.Can(account.ViewApplications) {
		return Application{}, apperr.NotFound("application")
	}
	return scanApplication(s.db.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.id = $1 AND a.org_id = $2`, id, actor.OrgID))
}

// SubmittedBefore lists actor's organisation's applications submitted
// before t and not yet decided, the oldest submission first, at most limit.
func (s *Service) SubmittedBefore(ctx context.Context, actor account.Member, t time.Time, limit int) ([]Application, error) {
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
		out = append(out, a)
	}
	return out, rows.Err()
}

// SubmittedSince lists actor's organisation's applications submitted
// after t, the newest first, at most limit.
func (s *Service) SubmittedSince(ctx context.Context, actor account.Member, t time.Time, limit int) ([]Application, error) {
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
		out = append(out, a)
	}
	return out, rows.Err()
}

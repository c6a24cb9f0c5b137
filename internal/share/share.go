// Package share keeps links that share applications with a named person
// outside the team, such as a hiring manager without an account: one
// application or a shortlist of one job, to view or to view and rate,
// expiring (seven days unless the team says otherwise, thirty at most)
// and revocable. The token is shown once and only its SHA-256 is kept.
// Every opening is logged for the team to see, and a guest's ratings are
// kept in the guest's name, apart from the members' reviews.
package share

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/plaintext"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Limits and defaults.
const (
	MaxApplications = 20
	DefaultDays     = 7
	MaxDays         = 30
	tokenPrefix     = "ahs_"
)

// Link is a share link, without its token.
type Link struct {
	ID             int64
	OrgID, JobID   int64
	CreatedBy      *int64 // nil once the member is deleted
	CreatedByName  string
	GuestName      string
	GuestEmail     string
	CanRate        bool
	CreatedAt      time.Time
	ExpiresAt      time.Time
	RevokedAt      *time.Time
	ApplicationIDs []int64
	// Opens is how many times the guest opened it, LastOpened when last.
	Opens      int
	LastOpened *time.Time
}

// Active reports whether the link opens at now.
func (l Link) Active(now time.Time) bool { return l.RevokedAt == nil && now.Before(l.ExpiresAt) }

// Has reports whether the link shares application id.
func (l Link) Has(id int64) bool {
	for _, a := range l.ApplicationIDs {
		if a == id {
			return true
		}
	}
	return false
}

// Input is a new link.
type Input struct {
	ApplicationIDs []int64
	GuestName      string
	GuestEmail     string
	CanRate        bool
	Days           int // 0: DefaultDays
}

// Service keeps the links.
type Service struct {
	db           *sqldb.DB
	accounts     *account.Service
	openings     *opening.Service
	applications *application.Service
	now          func() time.Time
}

// New returns the Service.
func New(db *sqldb.DB, accounts *account.Service, openings *opening.Service, applications *application.Service) *Service {
	return &Service{db: db, accounts: accounts, openings: openings, applications: applications, now: time.Now}
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Create makes a link as actor, who must manage jobs, and returns it
// with its token, shown this once.
func (s *Service) Create(ctx context.Context, actor account.Member, in Input) (_ Link, token string, err error) {
	defer apperr.Wrap(&err, "share.Create")
	if !actor.Can(account.ManageJobs) {
		return Link{}, "", apperr.Forbidden("your role cannot share applications outside the team")
	}
	ids := dedupe(in.ApplicationIDs)
	if len(ids) == 0 || len(ids) > MaxApplications {
		return Link{}, "", apperr.Invalid("application_ids", "share one to %d applications of one job", MaxApplications)
	}
	l := Link{OrgID: actor.OrgID, CreatedByName: actor.Name, CanRate: in.CanRate, ApplicationIDs: ids}
	for i, id := range ids {
		a, err := s.applications.Application(ctx, actor, id)
		if err != nil {
			return Link{}, "", err
		}
		if i == 0 {
			l.JobID = a.JobID
		} else if a.JobID != l.JobID {
			return Link{}, "", apperr.Invalid("application_ids", "%s applied to another job: a link shares applications of one job", a.TeamName())
		}
		if !a.Shared() {
			return Link{}, "", apperr.Invalid("application_ids", "%s has not submitted yet, and answers stay private until they do", a.TeamName())
		}
	}
	if l.GuestName, err = (plaintext.Field{Name: "guest_name", Label: "the guest's name", Max: 100, Required: true}).Check(in.GuestName); err != nil {
		return Link{}, "", err
	}
	if l.GuestEmail, err = (plaintext.Field{Name: "guest_email", Label: "the guest's email", Max: 254}).Check(in.GuestEmail); err != nil {
		return Link{}, "", err
	}
	if l.GuestEmail != "" && !strings.Contains(l.GuestEmail, "@") {
		return Link{}, "", apperr.Invalid("guest_email", "%q is not an email address", l.GuestEmail)
	}
	days := in.Days
	if days == 0 {
		days = DefaultDays
	}
	if days < 1 || days > MaxDays {
		return Link{}, "", apperr.Invalid("days", "a link lasts 1 to %d days", MaxDays)
	}
	l.CreatedAt = s.now()
	l.ExpiresAt = l.CreatedAt.Add(time.Duration(days) * 24 * time.Hour)
	token = account.NewToken(tokenPrefix)
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if err := tx.WriteRow(ctx, `INSERT INTO share_links (org_id, job_id, created_by, created_by_name, token_hash, guest_name, guest_email, can_rate, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, l.OrgID, l.JobID, actor.ID, l.CreatedByName, account.HashToken(token),
			l.GuestName, l.GuestEmail, l.CanRate, l.CreatedAt, l.ExpiresAt).Scan(&l.ID); err != nil {
			return err
		}
		for i, id := range ids {
			if _, err := tx.Exec(ctx, `INSERT INTO share_link_applications (link_id, application_id, position) VALUES ($1, $2, $3)`, l.ID, id, i); err != nil {
				return err
			}
		}
		mode := "to view"
		if l.CanRate {
			mode = "to view and rate"
		}
		return s.accounts.Audit(ctx, tx, actor, "share.create", fmt.Sprintf("%d %s", len(ids), plural(len(ids), "application", "applications")),
			fmt.Sprintf("for %s, %s, until %s", l.GuestName, mode, l.ExpiresAt.UTC().Format("2 Jan 2006 15:04 UTC")), "")
	})
	return l, token, err
}

// Revoke ends link id at once.
func (s *Service) Revoke(ctx context.Context, actor account.Member, id int64) (err error) {
	defer apperr.Wrap(&err, "share.Revoke(%d)", id)
	if !actor.Can(account.ManageJobs) {
		return apperr.Forbidden("your role cannot revoke share links")
	}
	l, err := s.load(ctx, `l.id = $1 AND l.org_id = $2`, id, actor.OrgID)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `UPDATE share_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, s.now(), id); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "share.revoke", fmt.Sprintf("share link %d", id), "for "+l.GuestName, "")
	})
}

// Open finds the link of token, refusing an unknown, revoked or expired
// one with words for the person holding it.
func (s *Service) Open(ctx context.Context, token string) (_ Link, err error) {
	defer apperr.Wrap(&err, "share.Open")
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return Link{}, apperr.New(apperr.ErrUnauthenticated, "this link is not one anyhour made; check that it was copied whole")
	}
	l, err := s.load(ctx, `l.token_hash = $1`, account.HashToken(token))
	if errors.Is(err, apperr.ErrNotFound) {
		return Link{}, apperr.New(apperr.ErrUnauthenticated, "this link is not one anyhour made; check that it was copied whole")
	}
	if err != nil {
		return Link{}, err
	}
	now := s.now()
	switch {
	case l.RevokedAt != nil:
		return l, apperr.New(apperr.ErrUnauthenticated, "this link was revoked by the team that shared it; ask them for a new one")
	case !now.Before(l.ExpiresAt):
		return l, apperr.New(apperr.ErrUnauthenticated, "this link expired on %s; ask the team that shared it for a new one", l.ExpiresAt.UTC().Format("2 Jan 2006, 15:04 UTC"))
	}
	// A link lasts no longer than its maker's right to share: once they
	// leave the team or their role changes, it closes.
	if l.CreatedBy == nil {
		return l, apperr.New(apperr.ErrUnauthenticated, "the person who shared this link is no longer on the team; ask the team for a new one")
	}
	maker, err := s.accounts.Member(ctx, account.Member{OrgID: l.OrgID}, *l.CreatedBy)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return l, err
	}
	if err != nil || !maker.Can(account.ManageJobs) {
		return l, apperr.New(apperr.ErrUnauthenticated, "the person who shared this link is no longer on the team; ask the team for a new one")
	}
	return l, nil
}

// Seen logs that the guest opened the link, on application appID (0: the
// list).
func (s *Service) Seen(ctx context.Context, l Link, appID int64) error {
	var app any
	if appID != 0 {
		app = appID
	}
	_, err := s.db.Exec(ctx, `INSERT INTO share_link_opens (link_id, application_id, opened_at) VALUES ($1, $2, $3)`, l.ID, app, s.now())
	return err
}

// ForApplication lists the links that share application appID, newest
// first, for the team.
func (s *Service) ForApplication(ctx context.Context, actor account.Member, appID int64) (_ []Link, err error) {
	defer apperr.Wrap(&err, "share.ForApplication(%d)", appID)
	if _, err := s.applications.Application(ctx, actor, appID); err != nil {
		return nil, err
	}
	return s.loadAll(ctx, `l.org_id = $1 AND l.id IN (SELECT link_id FROM share_link_applications WHERE application_id = $2)`, actor.OrgID, appID)
}

// Application returns application appID as the link shares it, with the
// interview's steps; another application is not found.
func (s *Service) Application(ctx context.Context, l Link, appID int64) (application.Application, error) {
	if !l.Has(appID) {
		return application.Application{}, apperr.NotFound("application")
	}
	return s.applications.InOrg(ctx, l.OrgID, appID)
}

// Rating is a guest's ratings of one application, in their name.
type Rating struct {
	LinkID    int64
	GuestName string
	Input     review.Input
	UpdatedAt time.Time
}

// Rate keeps the guest's ratings of application appID, replacing their
// earlier ones; a link to view only refuses.
func (s *Service) Rate(ctx context.Context, l Link, appID int64, in review.Input) (err error) {
	defer apperr.Wrap(&err, "share.Rate(%d)", appID)
	if !l.CanRate {
		return apperr.Forbidden("this link lets you view the answers, not rate them")
	}
	a, err := s.Application(ctx, l, appID)
	if err != nil {
		return err
	}
	iv, err := s.openings.InterviewInOrg(ctx, l.OrgID, a.InterviewID)
	if err != nil {
		return err
	}
	removed, err := s.openings.RemovedSteps(ctx, l.OrgID, a.InterviewID)
	if err != nil {
		return err
	}
	if err := review.Check(in, append(iv.Steps, removed...)); err != nil {
		return err
	}
	ratings, _ := json.Marshal(orEmpty(in.Ratings))
	crit := in.Criteria
	if crit == nil {
		crit = review.Criteria{}
	}
	criteria, _ := json.Marshal(crit)
	_, err = s.db.Exec(ctx, `INSERT INTO share_link_ratings (link_id, application_id, ratings, criteria, recommendation, note, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (link_id, application_id) DO UPDATE SET ratings = excluded.ratings, criteria = excluded.criteria,
			recommendation = excluded.recommendation, note = excluded.note, updated_at = excluded.updated_at`,
		l.ID, appID, string(ratings), string(criteria), string(in.Recommendation), strings.TrimSpace(in.Note), s.now())
	return err
}

// Ratings lists the guests' ratings of application appID: for a link,
// its own (to show the guest what they gave); for the team, all of them.
func (s *Service) Ratings(ctx context.Context, orgID, appID int64, linkID int64) (_ []Rating, err error) {
	defer apperr.Wrap(&err, "share.Ratings(%d)", appID)
	q := `SELECT r.link_id, l.guest_name, r.ratings, r.criteria, r.recommendation, r.note, r.updated_at
		FROM share_link_ratings r JOIN share_links l ON l.id = r.link_id
		WHERE l.org_id = $1 AND r.application_id = $2`
	args := []any{orgID, appID}
	if linkID != 0 {
		q += ` AND r.link_id = $3`
		args = append(args, linkID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY r.updated_at`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Rating
	for rows.Next() {
		var r Rating
		var ratings, criteria string
		if err := rows.Scan(&r.LinkID, &r.GuestName, &ratings, &criteria, &r.Input.Recommendation, &r.Input.Note, &r.UpdatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(ratings), &r.Input.Ratings); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(criteria), &r.Input.Criteria); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const linkColumns = `l.id, l.org_id, l.job_id, l.created_by, l.created_by_name, l.guest_name, l.guest_email, l.can_rate, l.created_at, l.expires_at, l.revoked_at,
	(SELECT COUNT(*) FROM share_link_opens o WHERE o.link_id = l.id)`

func (s *Service) load(ctx context.Context, where string, args ...any) (Link, error) {
	ls, err := s.loadAll(ctx, where, args...)
	if err != nil {
		return Link{}, err
	}
	if len(ls) == 0 {
		return Link{}, apperr.NotFound("share link")
	}
	return ls[0], nil
}

func (s *Service) loadAll(ctx context.Context, where string, args ...any) ([]Link, error) {
	rows, err := s.db.Query(ctx, `SELECT `+linkColumns+` FROM share_links l WHERE `+where+` ORDER BY l.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var out []Link
	for rows.Next() {
		var l Link
		if err := rows.Scan(&l.ID, &l.OrgID, &l.JobID, &l.CreatedBy, &l.CreatedByName, &l.GuestName, &l.GuestEmail, &l.CanRate, &l.CreatedAt, &l.ExpiresAt, &l.RevokedAt,
			&l.Opens); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Opens > 0 {
			var t time.Time
			if err := s.db.QueryRow(ctx, `SELECT opened_at FROM share_link_opens WHERE link_id = $1 ORDER BY id DESC LIMIT 1`, out[i].ID).Scan(&t); err != nil {
				return nil, err
			}
			out[i].LastOpened = &t
		}
		ids, err := s.db.Query(ctx, `SELECT application_id FROM share_link_applications WHERE link_id = $1 ORDER BY position`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for ids.Next() {
			var id int64
			if err := ids.Scan(&id); err != nil {
				ids.Close()
				return nil, err
			}
			out[i].ApplicationIDs = append(out[i].ApplicationIDs, id)
		}
		ids.Close()
		if err := ids.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func dedupe(ids []int64) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func orEmpty(m map[int64]int) map[int64]int {
	if m == nil {
		return map[int64]int{}
	}
	return m
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

package assign

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Service assigns reviewers and keeps jobs' rotas.
type Service struct {
	db           *sqldb.DB
	accounts     *account.Service
	openings     *opening.Service
	applications *application.Service
	now          func() time.Time
}

// New returns the service over db.
func New(db *sqldb.DB, accounts *account.Service, openings *opening.Service, applications *application.Service) *Service {
	return &Service{db: db, accounts: accounts, openings: openings, applications: applications, now: time.Now}
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// CanAssign reports whether m may assign reviewers and set rotas: those
// who run the hiring (owners, admins, recruiters).
func CanAssign(m account.Member) bool { return m.Can(account.ManageJobs) }

var errCannotAssign = apperr.Forbidden("your role cannot assign reviewers")

// dueAt is when a review asked for at t is due: the team's response
// target, one working day in its working hours, after t.
func (s *Service) dueAt(ctx context.Context, orgID int64, t time.Time) (time.Time, error) {
	org, err := s.accounts.Org(ctx, orgID)
	if err != nil {
		return time.Time{}, err
	}
	return org.Work.Add(t, org.Work.Day()), nil
}

// reviewer is member id of actor's team, if they may review; the errors
// say why not, for the field member_id.
func (s *Service) reviewer(ctx context.Context, actor account.Member, id int64) (account.Member, error) {
	m, err := s.accounts.Member(ctx, actor, id)
	if errors.Is(err, apperr.ErrNotFound) {
		return m, apperr.Invalid("member_id", "member %d is not on your team", id)
	}
	if err != nil {
		return m, err
	}
	switch {
	case m.DisabledAt != nil:
		return m, apperr.Invalid("member_id", "%s was removed from the team and cannot review", m.Name)
	case !m.Can(account.Review):
		return m, apperr.Invalid("member_id", "%s cannot review: a %s's role does not rate applications", m.Name, m.Role)
	}
	return m, nil
}

// Assign asks member memberID to review application appID, due one
// working day from now. The application must be submitted (until then
// there is nothing to review), and the member on actor's team and able
// to review; a member already assigned is a conflict.
func (s *Service) Assign(ctx context.Context, actor account.Member, appID, memberID int64) (_ Assignment, err error) {
	defer apperr.Wrap(&err, "assign.Assign(%d, %d)", appID, memberID)
	if !CanAssign(actor) {
		return Assignment{}, errCannotAssign
	}
	a, err := s.applications.Application(ctx, actor, appID)
	if err != nil {
		return Assignment{}, err
	}
	if err := Reviewable(a); err != nil {
		return Assignment{}, err
	}
	m, err := s.reviewer(ctx, actor, memberID)
	if err != nil {
		return Assignment{}, err
	}
	now := s.now()
	due, err := s.dueAt(ctx, actor.OrgID, now)
	if err != nil {
		return Assignment{}, err
	}
	as := Assignment{ApplicationID: a.ID, MemberID: m.ID, MemberName: m.Name, AssignedBy: &actor.ID, AssignedAt: now, DueAt: due}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		_, err := tx.Exec(ctx, `INSERT INTO review_assignments (application_id, member_id, org_id, assigned_by, assigned_at, due_at, reviewed_at)
			VALUES ($1, $2, $3, $4, $5, $6, `+reviewedAt+`)`, a.ID, m.ID, actor.OrgID, actor.ID, now, due)
		if errors.Is(err, sqldb.ErrConflict) {
			return apperr.Conflict("%s is already assigned to review %s", m.Name, a.TeamName())
		}
		if err != nil {
			return err
		}
		as.Reviewed, err = reviewed(ctx, tx, a.ID, m.ID)
		if err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "review.assign", fmt.Sprintf("application %d", a.ID), m.Name, "")
	})
	return as, err
}

// Unassign takes member memberID off application appID; an assignment
// that does not exist is not found.
func (s *Service) Unassign(ctx context.Context, actor account.Member, appID, memberID int64) (err error) {
	defer apperr.Wrap(&err, "assign.Unassign(%d, %d)", appID, memberID)
	if !CanAssign(actor) {
		return errCannotAssign
	}
	if _, err := s.applications.Application(ctx, actor, appID); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var name string
		err := tx.QueryRow(ctx, `DELETE FROM review_assignments WHERE application_id = $1 AND member_id = $2 AND org_id = $3
			RETURNING (SELECT name FROM members WHERE id = $2)`, appID, memberID, actor.OrgID).Scan(&name)
		if errors.Is(err, sqldb.ErrNotFound) {
			return apperr.NotFound("assignment")
		}
		if err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "review.unassign", fmt.Sprintf("application %d", appID), name, "")
	})
}

// ForApplication lists the members assigned to application appID, the
// earliest assigned first.
func (s *Service) ForApplication(ctx context.Context, actor account.Member, appID int64) (_ []Assignment, err error) {
	defer apperr.Wrap(&err, "assign.ForApplication(%d)", appID)
	if _, err := s.applications.Application(ctx, actor, appID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT r.application_id, r.member_id, m.name, r.assigned_by, r.assigned_at, r.due_at,
			EXISTS (SELECT 1 FROM reviews v WHERE v.application_id = r.application_id AND v.member_id = r.member_id)
		FROM review_assignments r JOIN members m ON m.id = r.member_id
		WHERE r.application_id = $1 AND r.org_id = $2
		ORDER BY r.assigned_at, m.name, r.member_id`, appID, actor.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Assignment{}
	for rows.Next() {
		var a Assignment
		if err := rows.Scan(&a.ApplicationID, &a.MemberID, &a.MemberName, &a.AssignedBy, &a.AssignedAt, &a.DueAt, &a.Reviewed); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// reviewedAt is the SQL of when the member $2 reviewed application $1, if
// they did: an assignment made after its review starts done.
const reviewedAt = `(SELECT v.created_at FROM reviews v WHERE v.application_id = $1 AND v.member_id = $2)`

// stillToDo is the SQL condition, on review_assignments r, of the
// assignments still to do: not reviewed, on an application still waiting
// for reviews. Queue and Waiting read them down an index of those alone
// (migration 0041), not every assignment a member ever had. The
// application's status is checked as well (waitingStatus), as it always
// was: the marks only narrow what is read.
const stillToDo = `r.reviewed_at IS NULL AND r.closed_at IS NULL`

// MarkReviewed records, inside tx, that r's reviewer has reviewed
// application a, so that its assignment, if any, is done: a review.Hook.
func (s *Service) MarkReviewed(ctx context.Context, tx *sqldb.DB, a application.Application, r review.Review) error {
	_, err := tx.Exec(ctx, `UPDATE review_assignments SET reviewed_at = $1 WHERE application_id = $2 AND member_id = $3 AND reviewed_at IS NULL`,
		r.UpdatedAt, a.ID, r.Reviewer.ID)
	return err
}

// Reconsider closes application a's assignments, inside tx, when it no
// longer waits for reviews (decided other than on hold, withdrawn), and
// opens them again when it does (put on hold, a decision gone back on): an
// application.StatusHook, for its changes of status and of outcome. An
// assignment not reviewed before its application was decided would
// otherwise stay in its reviewer's index for good.
func (s *Service) Reconsider(ctx context.Context, tx *sqldb.DB, a application.Application) error {
	if waiting(a) {
		_, err := tx.Exec(ctx, `UPDATE review_assignments SET closed_at = NULL WHERE application_id = $1 AND closed_at IS NOT NULL`, a.ID)
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE review_assignments SET closed_at = $1 WHERE application_id = $2 AND closed_at IS NULL`, s.now(), a.ID)
	return err
}

// waiting reports whether a's reviews wait, as waitingStatus says in SQL.
func waiting(a application.Application) bool {
	return a.Status == application.Submitted || (a.Status == application.Decided && a.Outcome == "hold")
}

// Queue lists what waits for actor's review: applications assigned to
// them, submitted and not decided (or on hold), that they have not
// reviewed: the calibration set's first, which everyone rates first, then
// the oldest submission first.
func (s *Service) Queue(ctx context.Context, actor account.Member) (_ []Waiting, err error) {
	defer apperr.Wrap(&err, "assign.Queue")
	if !actor.Can(account.Review) {
		return nil, apperr.Forbidden("your role does not review applications")
	}
	rows, err := s.db.Query(ctx, `SELECT a.id, `+application.TeamNameSQL+`, j.id, j.title, a.submitted_at, r.assigned_at, r.due_at,
			c.application_id IS NOT NULL
		FROM review_assignments r
		JOIN applications a ON a.id = r.application_id
		JOIN jobs j ON j.id = a.job_id
		LEFT JOIN calibration_applications c ON c.application_id = a.id
		WHERE r.member_id = $1 AND r.org_id = $2 AND `+stillToDo+` AND `+waitingStatus+`
		ORDER BY CASE WHEN c.application_id IS NULL THEN 1 ELSE 0 END, a.submitted_at, a.id
		LIMIT `+strconv.Itoa(MaxQueue), actor.ID, actor.OrgID) // a number, not $3: see application's literalLimit
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Waiting{}
	for rows.Next() {
		var w Waiting
		if err := rows.Scan(&w.ApplicationID, &w.CandidateName, &w.JobID, &w.JobTitle, &w.SubmittedAt, &w.AssignedAt, &w.DueAt, &w.Calibration); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Waiting counts what waits for actor's review, as Queue lists it, for
// the team's navigation; 0 for members who do not review.
func (s *Service) Waiting(ctx context.Context, actor account.Member) (_ int, err error) {
	defer apperr.Wrap(&err, "assign.Waiting")
	if !actor.Can(account.Review) {
		return 0, nil
	}
	var n int
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM review_assignments r JOIN applications a ON a.id = r.application_id
		WHERE r.member_id = $1 AND r.org_id = $2 AND `+stillToDo+` AND `+waitingStatus,
		actor.ID, actor.OrgID).Scan(&n)
	return n, err
}

// Reviewable refuses an application with nothing to review, or whose
// review no longer waits: not submitted, withdrawn, or decided other than
// on hold.
func Reviewable(a application.Application) error {
	switch {
	case a.Status == application.Withdrawn:
		return apperr.Conflict("%s withdrew: there is nothing to review", a.TeamName())
	case a.SubmittedAt == nil:
		return apperr.Conflict("%s has not submitted yet: assign reviewers once there is something to review", a.TeamName())
	case a.Status == application.Decided && a.Outcome != "hold":
		return apperr.Conflict("%s's application is decided: reviews no longer wait for it", a.TeamName())
	}
	return nil
}

// waitingStatus is the SQL condition, on applications a, of those whose
// reviews wait: submitted and undecided, or on hold.
const waitingStatus = `(a.status = 'submitted' OR (a.status = 'decided' AND a.outcome = 'hold'))`

func reviewed(ctx context.Context, db *sqldb.DB, appID, memberID int64) (bool, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM reviews WHERE application_id = $1 AND member_id = $2`, appID, memberID).Scan(&n)
	return n > 0, err
}

// CheckRevealed refuses to reveal a blind job's candidate while a reviewer
// assigned to them has yet to review (application.CheckBeforeReveal):
// their review would no longer be blind.
func (s *Service) CheckRevealed(ctx context.Context, tx *sqldb.DB, a application.Application) error {
	rows, err := tx.Query(ctx, `SELECT m.name FROM review_assignments r JOIN members m ON m.id = r.member_id
		WHERE r.application_id = $1 AND m.disabled_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.application_id = r.application_id AND v.member_id = r.member_id)
		ORDER BY m.name`, a.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(names) > 0 {
		return apperr.Conflict("%s is still to be reviewed by %s, who was assigned; reveal once the reviews are in", a.TeamName(), strings.Join(names, ", "))
	}
	return nil
}

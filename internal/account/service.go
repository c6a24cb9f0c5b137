package account

import (
	"context"
	"errors"
	"github.com/anyhour/anyhour/internal/worktime"
	"net/mail"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/limit"
	"github.com/anyhour/anyhour/internal/plaintext"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Service runs account operations against the database.
type Service struct {
	db  *sqldb.DB
	now func() time.Time
	// limits count sign-ins, password changes and requests that send
	// email (signInLimit, emailLimit).
	limits     *limit.Store
	resetHooks []ResetHook
	joinHooks  []JoinHook
}

// New returns a Service using db.
func New(db *sqldb.DB) *Service {
	return &Service{db: db, now: time.Now, limits: limit.New(db)}
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// HasOrg reports whether any organisation exists yet; when none does, the
// web UI shows the first-run page.
func (s *Service) HasOrg(ctx context.Context) (_ bool, err error) {
	defer apperr.Wrap(&err, "account.HasOrg")
	var n int
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM organizations LIMIT 1) o`).Scan(&n)
	return n > 0, err
}

// SoleOrg reports whether orgID is the only organisation on this
// installation.
func (s *Service) SoleOrg(ctx context.Context, orgID int64) (_ bool, err error) {
	defer apperr.Wrap(&err, "account.SoleOrg(%d)", orgID)
	var n int
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM organizations WHERE id <> $1 LIMIT 1) o`, orgID).Scan(&n)
	return n == 0, err
}

// Org returns the organisation with id.
func (s *Service) Org(ctx context.Context, id int64) (_ Org, err error) {
	defer apperr.Wrap(&err, "account.Org(%d)", id)
	var o Org
	var days int
	err = s.db.QueryRow(ctx, `SELECT id, name, time_zone, created_at, work_start, work_end, work_days, colour FROM organizations WHERE id = $1`, id).
		Scan(&o.ID, &o.Name, &o.TimeZone, &o.CreatedAt, &o.Work.Start, &o.Work.End, &days, &o.Colour)
	o.Work.Zone, o.Work.Days = o.TimeZone, worktime.FromMask(days)
	if errors.Is(err, sqldb.ErrNotFound) {
		return o, apperr.NotFound("organisation")
	}
	return o, err
}

// UpdateOrg changes the organisation's name and default time zone.
func (s *Service) UpdateOrg(ctx context.Context, actor Member, name, tz string) (err error) {
	defer apperr.Wrap(&err, "account.UpdateOrg")
	if !actor.Can(ManageOrg) {
		return apperr.Forbidden("only owners and admins can change the organisation")
	}
	name, err = orgName.Check(name)
	if err != nil {
		return err
	}
	if err := checkTimeZone(tz); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `UPDATE organizations SET name = $1, time_zone = $2 WHERE id = $3`, name, tz, actor.OrgID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "org.update", "organisation", name+", "+tz, "")
	})
}

// UpdateWorkingHours changes the team's working hours; the zone stays the
// organisation's.
func (s *Service) UpdateWorkingHours(ctx context.Context, actor Member, h worktime.Hours) (err error) {
	defer apperr.Wrap(&err, "account.UpdateWorkingHours")
	if !actor.Can(ManageOrg) {
		return apperr.Forbidden("only owners and admins can change the organisation")
	}
	if err := h.Check(); err != nil {
		return apperr.Invalid("work_hours", "%s", err.Error())
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `UPDATE organizations SET work_start = $1, work_end = $2, work_days = $3 WHERE id = $4`,
			h.Start, h.End, h.DaysMask(), actor.OrgID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "org.hours", "organisation", h.String(), "")
	})
}

// UpdateColour sets the colour of the organisation's emails, #rrggbb.
func (s *Service) UpdateColour(ctx context.Context, actor Member, colour string) (err error) {
	defer apperr.Wrap(&err, "account.UpdateColour")
	if !actor.Can(ManageOrg) {
		return apperr.Forbidden("only owners and admins can change the organisation")
	}
	colour = strings.ToLower(strings.TrimSpace(colour))
	if len(colour) != 7 || colour[0] != '#' || strings.Trim(colour[1:], "0123456789abcdef") != "" {
		return apperr.Invalid("colour", "the colour must be written #rrggbb, such as #2450c4")
	}
	_, err = s.db.Exec(ctx, `UPDATE organizations SET colour = $1 WHERE id = $2`, colour, actor.OrgID)
	return err
}

// NewOrg is what the first-run page and bootstrap need to start a team.
type NewOrg struct {
	OrgName  string
	TimeZone string
	Name     string // the owner's
	Email    string
	Password string // may be empty for bootstrap: the owner then signs in only after a reset
}

// Setup creates the first organisation and its owner. It fails with
// ErrConflict once any organisation exists, so the first-run page cannot be
// used to take over an installation.
func (s *Service) Setup(ctx context.Context, in NewOrg) (_ Org, _ Member, err error) {
	defer apperr.Wrap(&err, "account.Setup")
	var org Org
	var owner Member
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM organizations`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("this installation is already set up; sign in instead")
		}
		var err error
		org, owner, err = s.createOrg(ctx, tx, in)
		return err
	})
	return org, owner, err
}

// Bootstrap creates the organisation named in.OrgName and its owner
// in.Email if they are missing, and returns a new API token for that owner.
// It is the command-line way in, for automation.
func (s *Service) Bootstrap(ctx context.Context, in NewOrg) (token string, err error) {
	defer apperr.Wrap(&err, "account.Bootstrap(%q, %q)", in.OrgName, in.Email)
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		owner, err := s.memberByEmail(ctx, tx, in.Email)
		switch {
		case err == nil:
			org, err := s.orgOf(ctx, tx, owner.OrgID)
			if err != nil {
				return err
			}
			if org.Name != strings.TrimSpace(in.OrgName) {
				return apperr.Conflict("%s already belongs to another organisation (%s)", in.Email, org.Name)
			}
			if owner.Role != Owner {
				return apperr.Conflict("%s is a %s of %s, not an owner", in.Email, owner.Role, org.Name)
			}
		case errors.Is(err, apperr.ErrNotFound):
			var orgID int64
			qerr := tx.QueryRow(ctx, `SELECT id FROM organizations WHERE name = $1 ORDER BY id LIMIT 1`, strings.TrimSpace(in.OrgName)).Scan(&orgID)
			switch {
			case qerr == nil:
				owner, err = s.addMember(ctx, tx, orgID, in.Name, in.Email, Owner, in.Password)
			case errors.Is(qerr, sqldb.ErrNotFound):
				_, owner, err = s.createOrg(ctx, tx, in)
			default:
				return qerr
			}
			if err != nil {
				return err
			}
		default:
			return err
		}
		token, _, err = s.createAPIToken(ctx, tx, owner, "bootstrap")
		return err
	})
	return token, err
}

func (s *Service) createOrg(ctx context.Context, tx *sqldb.DB, in NewOrg) (Org, Member, error) {
	org := Org{TimeZone: in.TimeZone, CreatedAt: s.now()}
	var err error
	if org.Name, err = orgName.Check(in.OrgName); err != nil {
		return org, Member{}, err
	}
	if org.TimeZone == "" {
		org.TimeZone = "UTC"
	}
	if err := checkTimeZone(org.TimeZone); err != nil {
		return org, Member{}, err
	}
	err = tx.QueryRow(ctx, `INSERT INTO organizations (name, time_zone, created_at) VALUES ($1, $2, $3) RETURNING id`,
		org.Name, org.TimeZone, org.CreatedAt).Scan(&org.ID)
	if err != nil {
		return org, Member{}, err
	}
	owner, err := s.addMember(ctx, tx, org.ID, in.Name, in.Email, Owner, in.Password)
	if err != nil {
		return org, owner, err
	}
	return org, owner, s.audit(ctx, tx, owner, "org.create", "organisation "+org.Name, "", "")
}

// addMember inserts a member; an empty password leaves them unable to sign
// in with one.
func (s *Service) addMember(ctx context.Context, tx *sqldb.DB, orgID int64, name, email string, role Role, password string) (Member, error) {
	hash := ""
	if password != "" {
		if err := checkNewPassword(password); err != nil {
			return Member{}, err
		}
		var err error
		if hash, err = HashPassword(password); err != nil {
			return Member{}, err
		}
	}
	return s.addMemberHash(ctx, tx, orgID, name, email, role, hash)
}

// memberName checks a name typed for a member; empty, it is the part of
// their address before the @.
func memberName(name, email string) (string, error) {
	name, err := personName.Check(name)
	if err == nil && name == "" {
		name = email[:strings.IndexByte(email, '@')]
	}
	return name, err
}

// addMemberHash is addMember with the password already hashed.
func (s *Service) addMemberHash(ctx context.Context, tx *sqldb.DB, orgID int64, name, email string, role Role, hash string) (Member, error) {
	m := Member{OrgID: orgID, Role: role, CreatedAt: s.now()}
	var err error
	if m.Email, err = NormalizeEmail(email); err != nil {
		return m, err
	}
	if m.Name, err = memberName(name, m.Email); err != nil {
		return m, err
	}
	err = tx.QueryRow(ctx, `INSERT INTO members (org_id, email, name, role, password_hash, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, orgID, m.Email, m.Name, m.Role, hash, m.CreatedAt).Scan(&m.ID)
	if errors.Is(err, sqldb.ErrConflict) {
		return m, apperr.Conflict("%s already has an account", m.Email)
	}
	return m, err
}

func (s *Service) orgOf(ctx context.Context, db *sqldb.DB, id int64) (Org, error) {
	var o Org
	var days int
	err := db.QueryRow(ctx, `SELECT id, name, time_zone, created_at, work_start, work_end, work_days, colour FROM organizations WHERE id = $1`, id).
		Scan(&o.ID, &o.Name, &o.TimeZone, &o.CreatedAt, &o.Work.Start, &o.Work.End, &days, &o.Colour)
	o.Work.Zone, o.Work.Days = o.TimeZone, worktime.FromMask(days)
	if errors.Is(err, sqldb.ErrNotFound) {
		return o, apperr.NotFound("organisation")
	}
	return o, err
}

// Text fields of this package.
var (
	orgName    = plaintext.Field{Name: "org_name", Label: "the organisation's name", Max: 200, Required: true}
	personName = plaintext.Field{Name: "name", Label: "the name", Max: 200}
	tokenName  = plaintext.Field{Name: "name", Label: "the token's name", Max: 100, Required: true}
)

// NormalizeEmail trims and lower-cases an address and checks its form.
func NormalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email, "@") || strings.ContainsAny(email, "\r\n") {
		return "", apperr.Invalid("email", "%q is not an email address", email)
	}
	return email, nil
}

// checkTimeZone reports whether tz is a zone Go knows.
func checkTimeZone(tz string) error {
	if tz == "" {
		return nil
	}
	if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
		return apperr.Invalid("time_zone", "%q is not a time zone name such as Europe/Berlin", tz)
	}
	return nil
}

// Package account owns organisations, their members and roles, sign-in
// sessions, API tokens, team invitations and the audit log.
//
// Every permission check for every resource goes through Member.Can, so
// what a role may do is written down in one table (permissions below).
// Methods return apperr kinds: ErrNotFound, ErrConflict, ErrInvalid,
// ErrUnauthenticated, ErrForbidden.
package account

import (
	"slices"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/worktime"
)

// Role is a member's role in their organisation.
type Role string

// The roles, from most to least privileged.
const (
	Owner     Role = "owner"
	Admin     Role = "admin"
	Recruiter Role = "recruiter"
	Reviewer  Role = "reviewer"
)

// Roles lists every role, most privileged first.
var Roles = []Role{Owner, Admin, Recruiter, Reviewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Permission is something a member may be allowed to do.
type Permission string

// The permissions checked across anyhour.
const (
	ManageOrg        Permission = "manage_org"        // settings, member roles, invitations of team members
	ViewAudit        Permission = "view_audit"        // read the audit log
	ManageJobs       Permission = "manage_jobs"       // create and edit jobs and interviews
	InviteCandidates Permission = "invite_candidates" // invite, revoke and re-link candidates
	ViewApplications Permission = "view_applications" // read applications and answers
	Review           Permission = "review"            // rate applications
	// MessageCandidates is writing to candidates; every member who reads
	// applications may read the threads and write internal notes.
	MessageCandidates Permission = "message_candidates"
)

// permissions is the one table of what each role may do.
var permissions = map[Role][]Permission{
	Owner:     {ManageOrg, ViewAudit, ManageJobs, InviteCandidates, ViewApplications, Review, MessageCandidates},
	Admin:     {ManageOrg, ViewAudit, ManageJobs, InviteCandidates, ViewApplications, Review, MessageCandidates},
	Recruiter: {ManageJobs, InviteCandidates, ViewApplications, Review, MessageCandidates},
	Reviewer:  {ViewApplications, Review},
}

// AllPermissions lists every permission of the table, in the order the
// roles list them, most privileged role first.
func AllPermissions() []Permission {
	var out []Permission
	for _, r := range Roles {
		for _, p := range permissions[r] {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// Org is an organisation: a hiring team and everything it owns.
type Org struct {
	ID        int64
	Name      string
	TimeZone  string // IANA name, the team's default zone
	CreatedAt time.Time
	// Work is the team's working hours, in TimeZone.
	Work worktime.Hours
	// Colour is the organisation's colour in its emails, #rrggbb.
	Colour string
}

// Member is a person on a team.
type Member struct {
	ID         int64
	OrgID      int64
	Email      string
	Name       string
	Role       Role
	TimeZone   string // IANA name; empty means the organisation's
	CreatedAt  time.Time
	DisabledAt *time.Time
	Work       *worktime.Hours // own working hours; nil: the team's (see Hours)
}

// Can reports whether m's role allows p.
func (m Member) Can(p Permission) bool {
	if m.DisabledAt != nil {
		return false
	}
	for _, x := range permissions[m.Role] {
		if x == p {
			return true
		}
	}
	return false
}

// Permissions lists what m may do, in the order of AllPermissions.
func (m Member) Permissions() []Permission {
	out := []Permission{}
	for _, p := range AllPermissions() {
		if m.Can(p) {
			out = append(out, p)
		}
	}
	return out
}

// APIToken describes a member's API token; the secret itself is shown once
// at creation and stored only as a hash.
type APIToken struct {
	ID         int64
	MemberID   int64
	Name       string
	Hint       string // the last characters, to tell tokens apart
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Invite is an invitation for someone to join the team.
type Invite struct {
	ID         int64
	OrgID      int64
	Email      string
	Role       Role
	InvitedBy  int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt *time.Time
	RevokedAt  *time.Time
}

// Pending reports whether the invite can still be accepted at now.
func (i Invite) Pending(now time.Time) bool {
	return i.AcceptedAt == nil && i.RevokedAt == nil && now.Before(i.ExpiresAt)
}

// AuditEntry is one sensitive action, kept for admins to read.
type AuditEntry struct {
	ID        int64
	OrgID     int64
	ActorID   *int64
	Actor     string // who, as shown: a member's email, "candidate", "system"
	Action    string // dotted verb: member.login, token.create, review.submit …
	Target    string // what it was done to, e.g. "application 12"
	Detail    string
	IP        string
	CreatedAt time.Time
}

var errForbiddenAudit = apperr.Forbidden("only owners and admins can read the audit log")

// timeNow is the clock for package-level helpers that have no Service.
var timeNow = time.Now

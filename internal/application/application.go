// Package application owns what happens after a candidate is invited: their
// application (one per interview), its magic link, their answers, and
// submission. Team members list and read applications here; candidates act
// through their Application, found by the link's token.
//
// Links: a token of 256 random bits, stored only as a hash. It lets the
// candidate answer until the deadline (plus a short grace for answers in
// flight) and read their status for LinkGrace after it. Methods return
// apperr kinds.
package application

import (
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/opening"
)

// Status is where an application stands.
type Status string

// Application statuses, in the order they are reached.
const (
	Invited   Status = "invited"
	Started   Status = "started"
	Submitted Status = "submitted"
	Decided   Status = "decided"
	Withdrawn Status = "withdrawn"
)

// Statuses lists the statuses a team filters by.
var Statuses = []Status{Invited, Started, Submitted, Decided}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range append(Statuses, Withdrawn) {
		if s == x {
			return true
		}
	}
	return false
}

const (
	// LinkGrace is how long after the deadline a link still shows the
	// candidate their status.
	LinkGrace = 30 * 24 * time.Hour
	// AnswerGrace is how long after the deadline an answer is still
	// accepted, so that one saved in the last second is not lost to clocks.
	AnswerGrace = 10 * time.Minute
	// MaxTextAnswer is the longest text answer accepted, in characters.
	MaxTextAnswer = 100_000
)

// Candidate is a person invited to interviews of an organisation.
type Candidate struct {
	ID    int64
	Name  string
	Email string
	// Hidden: Name is the pseudonym of a blind job's candidate, and Email
	// is empty (Application.Shown).
	Hidden bool
}

// FirstName is the first word of the candidate's name, or the whole
// pseudonym of a hidden candidate.
func (c Candidate) FirstName() string {
	if c.Hidden {
		return c.Name
	}
	for i, r := range c.Name {
		if r == ' ' {
			return c.Name[:i]
		}
	}
	return c.Name
}

// Application is one candidate's progress through one interview.
type Application struct {
	ID          int64
	OrgID       int64
	JobID       int64
	InterviewID int64
	Candidate   Candidate
	Status      Status
	TimeZone    string // the candidate's, as their browser reported it
	InvitedAt   time.Time
	DeadlineAt  time.Time
	StartedAt   *time.Time
	SubmittedAt *time.Time
	RevokedAt   *time.Time
	Score       *float64
	MaxScore    *float64
	ReviewCount int
	UpdatedAt   time.Time
	// Outcome is the latest decision's (package decision's advance, hold
	// or reject), empty until one is made.
	Outcome string
	// VideoConsentAt is when the candidate agreed to be recorded (see
	// ConsentToVideo); nil until then, and no recording is taken.
	VideoConsentAt *time.Time
	// Number is the application's place in its job, counted from 1 in the
	// order of invitation: the N of "Candidate N".
	Number int
	// Blind is whether the team sees the application blind right now: its
	// job is reviewed blind and the candidate is not yet revealed. The
	// team then reads Shown's pseudonym, hears video answers as audio
	// only, and never receives the name, the email or the video.
	Blind      bool
	RevealedAt *time.Time
}

// Pseudonym is what the team calls the candidate of application number n
// of a blind job.
func Pseudonym(n int) string { return fmt.Sprintf("Candidate %d", n) }

// Shown is a as the team sees it: while blind, the candidate is "Candidate
// N" and has no email address. Every method that returns applications to a
// member returns them Shown; the candidate's own pages and the emails sent
// to the candidate use the real ones.
func (a Application) Shown() Application {
	if a.Blind {
		a.Candidate.Name = Pseudonym(a.Number)
		a.Candidate.Email = ""
		a.Candidate.Hidden = true
	}
	return a
}

// TeamName is the candidate's name as the team sees it, for messages to
// the team.
func (a Application) TeamName() string { return a.Shown().Candidate.Name }

// AuditTarget names a in the audit log: by email, or by pseudonym while
// blind, for the log is a page too.
func (a Application) AuditTarget() string {
	if a.Blind {
		return fmt.Sprintf("application %d (%s)", a.ID, Pseudonym(a.Number))
	}
	return fmt.Sprintf("application %d (%s)", a.ID, a.Candidate.Email)
}

// Zone is the time zone to write to the candidate in: theirs once their
// browser has told it, the team's (teamZone) until then.
func (a Application) Zone(teamZone string) string {
	if a.TimeZone != "" {
		return a.TimeZone
	}
	return teamZone
}

// Answering reports whether the candidate has yet to submit or withdraw.
func (a Application) Answering() bool { return a.Status == Invited || a.Status == Started }

// Open reports whether the candidate may still change answers at now.
func (a Application) Open(now time.Time) bool {
	return a.Answering() && a.RevokedAt == nil && now.Before(a.DeadlineAt.Add(AnswerGrace))
}

// LinkExpiresAt is when the candidate's link stops working.
func (a Application) LinkExpiresAt() time.Time { return a.DeadlineAt.Add(LinkGrace) }

// Answer is a candidate's answer to one step.
type Answer struct {
	StepID      int64
	Text        string           // text steps
	Choices     []int64          // choice steps: the option ids chosen
	RecordingID int64            // video steps: the take submitted (package video owns recordings)
	Language    opening.Language // code steps
	Code        string           // code steps: the candidate's source
	Files       int              // file steps: how many files are uploaded (package filestep owns them)
	Commit      string           // take-home steps: the last commit pushed (package takehome owns repositories)
	CodeReview  *CodeReview      // code-review steps: the candidate's comments and summary
	Marks       []Mark           // code-review steps: the team's word on the matches, once submitted; never the candidate's to read
	Score       *float64
	MaxScore    *float64
	UpdatedAt   time.Time
}

// Words counts the words of a text answer.
func (a Answer) Words() int { return countWords(a.Text) }

// answerBody is what the answers.body column holds.
type answerBody struct {
	Text        string           `json:"text,omitempty"`
	Choices     []int64          `json:"choices,omitempty"`
	RecordingID int64            `json:"media_id,omitempty"`
	Language    opening.Language `json:"language,omitempty"`
	Code        string           `json:"code,omitempty"`
	Files       int              `json:"files,omitempty"`
	Commit      string           `json:"commit,omitempty"`
	CodeReview  *CodeReview      `json:"codereview,omitempty"`
	Marks       []Mark           `json:"marks,omitempty"`
}

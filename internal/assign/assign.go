// Package assign owns who is asked to review which application: reviewers
// assigned by hand, and a job's rota, whose members take turns with the
// applications submitted to it. It lists each member's queue: the
// applications assigned to them that they have not reviewed yet, the
// oldest submission first.
//
// An assignment is due when the team's response target runs out: one
// working day, in the team's working hours, after it was made (the same
// target as a reply to a candidate; see message.Thread.Overdue). An
// assignment stops waiting when its member submits a review of the
// application, or when the application is decided (but for a hold) or
// withdrawn; it is never deleted
// by either, so the application page still shows who was asked.
//
// Methods return apperr kinds: ErrNotFound, ErrConflict, ErrInvalid,
// ErrForbidden.
package assign

import (
	"time"
)

// Assignment is one member asked to review one application.
type Assignment struct {
	ApplicationID int64
	MemberID      int64
	MemberName    string
	AssignedBy    *int64 // nil: by the job's rota
	AssignedAt    time.Time
	DueAt         time.Time
	Reviewed      bool // the member has submitted a review of the application
}

// ByTurns reports whether the rota assigned it.
func (a Assignment) ByTurns() bool { return a.AssignedBy == nil }

// Overdue reports whether the assignment still waits at now, past its due
// date.
func (a Assignment) Overdue(now time.Time) bool { return !a.Reviewed && now.After(a.DueAt) }

// Waiting is an application in a member's queue.
type Waiting struct {
	ApplicationID int64
	CandidateName string
	JobID         int64
	JobTitle      string
	SubmittedAt   time.Time
	AssignedAt    time.Time
	DueAt         time.Time
	// Calibration: the application is in the team's calibration set,
	// which everyone rates first, so it heads the queue.
	Calibration bool
}

// Overdue reports whether the review is past its due date at now.
func (w Waiting) Overdue(now time.Time) bool { return now.After(w.DueAt) }

// Rota is a job's set of reviewers who take turns, in order; Next is
// whose turn it is (an index into Members), empty Members: off.
type Rota struct {
	JobID   int64
	Members []RotaMember
	Next    int
}

// RotaMember is a member of a rota.
type RotaMember struct {
	ID   int64
	Name string
	// CanReview is false once the member was removed or their role no
	// longer reviews: their turns are skipped.
	CanReview bool
}

// MaxQueue is the most applications a queue lists.
const MaxQueue = 500

// Package opening owns jobs (openings) and their interviews: the ordered
// steps a candidate goes through, each of a kind with its own settings.
//
// The schema holds every step kind of the product; Kind.Available says
// which ones can be created today. Methods take the acting member and
// check permissions through account.Member.Can; they return apperr kinds.
package opening

import (
	"time"
)

// JobStatus says whether a job takes new candidates.
type JobStatus string

// Job statuses.
const (
	JobOpen   JobStatus = "open"
	JobClosed JobStatus = "closed"
)

// Job is a job opening.
type Job struct {
	ID          int64
	OrgID       int64
	Title       string
	Description string
	Status      JobStatus
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Interview is an ordered list of steps a candidate completes for a job.
type Interview struct {
	ID           int64
	OrgID        int64
	JobID        int64
	Title        string
	Intro        string
	DeadlineDays int // the deadline is this many days after the invitation
	Steps        []Step
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Minutes is the estimated time to complete every step.
func (iv Interview) Minutes() int {
	n := 0
	for _, s := range iv.Steps {
		n += s.Minutes
	}
	return n
}

// Step returns the step with id, if the interview has it.
func (iv Interview) Step(id int64) (Step, bool) {
	for _, s := range iv.Steps {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}

// Kind is a step's kind.
type Kind string

// Step kinds (DESIGN.md section 2).
const (
	KindVideo      Kind = "video"
	KindText       Kind = "text"
	KindChoice     Kind = "choice"
	KindCode       Kind = "code"
	KindTakehome   Kind = "takehome"
	KindCodeReview Kind = "codereview"
	KindFile       Kind = "file"
)

// Kinds lists every step kind.
var Kinds = []Kind{KindVideo, KindText, KindChoice, KindCode, KindTakehome, KindCodeReview, KindFile}

// Available reports whether steps of kind k can be created in this version.
func (k Kind) Available() bool { return k == KindText || k == KindChoice }

// Known reports whether k is a step kind at all.
func (k Kind) Known() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Label is the kind's name for people.
func (k Kind) Label() string {
	switch k {
	case KindText:
		return "Written answer"
	case KindChoice:
		return "Multiple choice"
	case KindVideo:
		return "Video answer"
	case KindCode:
		return "Coding task"
	case KindTakehome:
		return "Take-home"
	case KindCodeReview:
		return "Code review"
	case KindFile:
		return "File upload"
	}
	return string(k)
}

// Step is one part of an interview. Settings of the step's kind live in
// the matching field; the others are zero.
type Step struct {
	ID       int64
	Position int
	Kind     Kind
	Title    string
	Prompt   string
	Minutes  int // estimated time to complete

	MaxWords int      // text: 0 means no limit
	Multiple bool     // choice: several options may be chosen
	Points   float64  // choice: points for a fully correct answer
	Options  []Option // choice
	// Former holds options removed from a choice step since it was
	// created, so that reviewers can still read what a candidate chose.
	// Candidates never see them; choosing one scores as a wrong choice.
	Former []Option
}

// Option is a choice step's option.
type Option struct {
	ID      int64
	Text    string
	Correct bool
}

// Option returns the option with id, if the step has it.
func (s Step) Option(id int64) (Option, bool) {
	for _, o := range s.Options {
		if o.ID == id {
			return o, true
		}
	}
	return Option{}, false
}

// settings is what the steps.settings column holds, per kind.
type settings struct {
	MaxWords int     `json:"max_words,omitempty"`
	Multiple bool    `json:"multiple,omitempty"`
	Points   float64 `json:"points,omitempty"`
}

// TaskInterviewChanged is the queue task enqueued, in the same
// transaction, whenever an interview's steps change; the interview package
// handles it by rescoring answers.
const TaskInterviewChanged = "interview.changed"

// InterviewChanged is the payload of TaskInterviewChanged.
type InterviewChanged struct {
	OrgID       int64 `json:"org_id"`
	InterviewID int64 `json:"interview_id"`
}

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
	// Blind is whether the team reviews the job's candidates blind: as
	// "Candidate 7", without name or email, and video answers as audio
	// only, until a member who manages jobs reveals each candidate
	// (package application owns the switch and the reveal).
	Blind     bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Interview is an ordered list of steps a candidate completes for a job.
type Interview struct {
	ID           int64
	OrgID        int64
	JobID        int64
	Title        string
	Intro        string
	DeadlineDays int // the deadline is this many days after the invitation
	// Practice offers the candidate a practice video question before the
	// first step. Its recording stays in their browser: it is never
	// uploaded, so never kept nor shown to reviewers.
	Practice bool
	Steps    []Step
	// Criteria are the scorecard's, in order (scorecard.go).
	Criteria  []Criterion
	CreatedAt time.Time
	UpdatedAt time.Time
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

	ThinkSeconds int // video: time to think before recording starts; 0 means "start when ready"
	MaxSeconds   int // video: the longest a take may run
	Retakes      int // video: takes allowed after the first; with any, the candidate picks the one to submit

	Code *CodeTask // code: the task's languages, starter code, tests and limits

	Files *FileRules // file: what the candidate may upload

	Takehome *TakehomeTask // takehome: the work, its tests and its terms

	CodeReview *CodeReviewTask // codereview: the change and the issues planted in it

	// ReviewersRate asks reviewers for a 1–5 rating of an answer scored
	// automatically (choice, code) as well; see AsksRating.
	ReviewersRate bool

	// Criteria are the scorecard's criteria this step informs, in the
	// scorecard's order; none: its answers are rated "Overall".
	Criteria []int64
}

// AsksRating reports whether reviewers rate answers to the step: always
// for written and recorded answers, and for answers scored automatically
// only when the team asked for it.
func (s Step) AsksRating() bool {
	if s.Kind.Scored() {
		return s.ReviewersRate
	}
	return true
}

// Language is a programming language a code step may be answered in.
type Language string

// Languages code steps support.
const (
	Python     Language = "python"
	JavaScript Language = "javascript"
	Go         Language = "go"
)

// Languages lists the supported languages, in the order editors offer them.
var Languages = []Language{Python, JavaScript, Go}

// Valid reports whether l is a supported language.
func (l Language) Valid() bool { return l == Python || l == JavaScript || l == Go }

// Label is the language's name for people.
func (l Language) Label() string {
	switch l {
	case Python:
		return "Python"
	case JavaScript:
		return "JavaScript"
	case Go:
		return "Go"
	}
	return string(l)
}

// CodeTask is a code step's task. Tests take the forms of
// docs/contracts.md per language; IOCases run the program with stdin and
// compare its stdout, in any of the languages.
type CodeTask struct {
	Languages   []Language
	Starter     map[Language]string
	Tests       map[Language]CodeTests
	IOCases     []IOCase
	TimeLimitMS int // per run
	MemoryMB    int

	// Reference is the team's solution per language, never shown to
	// candidates; Checks say which passed the tests as they are now.
	// Only package grading records a check (Service.RecordCheck).
	Reference map[Language]string
	Checks    map[Language]CodeCheck
}

// CodeTests are one language's test sources.
type CodeTests struct {
	Visible string // candidates see these and run them before submitting
	Hidden  string // run only when grading; never shown to candidates
}

// IOCase is a stdin/stdout case.
type IOCase struct {
	Name   string
	Stdin  string
	Stdout string
	Hidden bool
	Points float64 // 0: an even share
}

// Supports reports whether the task may be answered in l.
func (c *CodeTask) Supports(l Language) bool {
	if c == nil {
		return false
	}
	for _, x := range c.Languages {
		if x == l {
			return true
		}
	}
	return false
}

// Takes is how many recordings a candidate may make for a video step.
func (s Step) Takes() int { return s.Retakes + 1 }

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

// FileRules are what a file step accepts.
type FileRules struct {
	Types    []string // filetype names; every type in the catalogue when empty
	MaxFiles int      // how many files, 1 to MaxFiles
	MaxMB    int      // the size of each, in MB, 1 to MaxFileMB
}

// MaxBytes is the largest file the rules accept.
func (r FileRules) MaxBytes() int64 { return int64(r.MaxMB) << 20 }

// settings is what the steps.settings column holds, per kind.
type settings struct {
	MaxWords int     `json:"max_words,omitempty"`
	Multiple bool    `json:"multiple,omitempty"`
	Points   float64 `json:"points,omitempty"`

	ThinkSeconds int `json:"think_seconds,omitempty"`
	MaxSeconds   int `json:"max_seconds,omitempty"`
	Retakes      int `json:"retakes,omitempty"`

	Code *codeSettings `json:"code,omitempty"`

	Files *FileRules `json:"files,omitempty"`

	Takehome   *TakehomeTask   `json:"takehome,omitempty"`
	CodeReview *CodeReviewTask `json:"codereview,omitempty"`

	ReviewersRate bool `json:"reviewers_rate,omitempty"`
}

// codeSettings is a CodeTask as the settings column holds it.
type codeSettings struct {
	Languages   []Language                 `json:"languages"`
	Starter     map[Language]string        `json:"starter,omitempty"`
	Tests       map[Language]codeTestsJSON `json:"tests,omitempty"`
	IOCases     []ioCaseJSON               `json:"io_cases,omitempty"`
	TimeLimitMS int                        `json:"time_limit_ms"`
	MemoryMB    int                        `json:"memory_mb"`
	Reference   map[Language]string        `json:"reference,omitempty"`
	Checks      map[Language]codeCheckJSON `json:"checks,omitempty"`
}

type codeCheckJSON struct {
	Sum string    `json:"sum"`
	At  time.Time `json:"at"`
}

type codeTestsJSON struct {
	Visible string `json:"visible,omitempty"`
	Hidden  string `json:"hidden,omitempty"`
}

type ioCaseJSON struct {
	Name   string  `json:"name"`
	Stdin  string  `json:"stdin"`
	Stdout string  `json:"stdout"`
	Hidden bool    `json:"hidden,omitempty"`
	Points float64 `json:"points,omitempty"`
}

func (c *CodeTask) settings() *codeSettings {
	if c == nil {
		return nil
	}
	out := &codeSettings{Languages: c.Languages, Starter: c.Starter, TimeLimitMS: c.TimeLimitMS, MemoryMB: c.MemoryMB, Reference: c.Reference}
	for l, check := range c.Checks {
		if out.Checks == nil {
			out.Checks = map[Language]codeCheckJSON{}
		}
		out.Checks[l] = codeCheckJSON(check)
	}
	if len(c.Tests) > 0 {
		out.Tests = map[Language]codeTestsJSON{}
		for l, t := range c.Tests {
			out.Tests[l] = codeTestsJSON(t)
		}
	}
	for _, io := range c.IOCases {
		out.IOCases = append(out.IOCases, ioCaseJSON(io))
	}
	return out
}

func (c *codeSettings) task() *CodeTask {
	if c == nil {
		return nil
	}
	out := &CodeTask{Languages: c.Languages, Starter: c.Starter, TimeLimitMS: c.TimeLimitMS, MemoryMB: c.MemoryMB, Reference: c.Reference}
	for l, check := range c.Checks {
		if out.Checks == nil {
			out.Checks = map[Language]CodeCheck{}
		}
		out.Checks[l] = CodeCheck(check)
	}
	if len(c.Tests) > 0 {
		out.Tests = map[Language]CodeTests{}
		for l, t := range c.Tests {
			out.Tests[l] = CodeTests(t)
		}
	}
	for _, io := range c.IOCases {
		out.IOCases = append(out.IOCases, IOCase(io))
	}
	return out
}

// TaskInterviewChanged is the queue task enqueued, in the same
// transaction, whenever an interview's steps change; the application package
// handles it by rescoring answers.
const TaskInterviewChanged = "interview.changed"

// InterviewChanged is the payload of TaskInterviewChanged.
type InterviewChanged struct {
	OrgID       int64 `json:"org_id"`
	InterviewID int64 `json:"interview_id"`
}

// Package matching keeps how alike candidates' code is, step by step: for
// each code and take-home step, the pairs of submitted answers (and of an
// answer and a reference solution the team added) that share code beyond
// the step's starter, with the lines that match on each side.
//
// A comparison is a queue task, queued in the transaction that submits an
// application (and when the team changes the step's references); it reads
// every submitted answer of the step, compares answers in the same
// language with package similarity, the starter set aside as a template,
// and replaces the step's pairs in one transaction. Pairs are kept from
// Floor up, so that the team's threshold is only a filter.
//
// A match is evidence for a person to weigh, never a verdict: nothing here
// changes an application's status or score.
package matching

import (
	"time"

	"github.com/anyhour/anyhour/internal/opening"
)

// Status is where a step's comparison stands.
type Status string

// Statuses.
const (
	None    Status = "none" // no comparison yet
	Queued  Status = "queued"
	Running Status = "running"
	Done    Status = "done"
	Error   Status = "error"
)

// DefaultThreshold is a step's threshold until the team sets one.
const DefaultThreshold = 0.5

// Floor is the least similarity a pair is kept with.
const Floor = 0.1

// MaxReference is the largest reference solution, in bytes: the same as
// a code answer (application.MaxCode).
const MaxReference = 200_000

// State is a step's settings and its last comparison.
type State struct {
	StepID    int64
	Threshold float64
	Status    Status
	// Submissions were read at the last comparison; Compared had code of
	// their own once the starter was set aside (the others compare with
	// nobody).
	Submissions, Compared int
	Error                 string
	ComputedAt            *time.Time
	UpdatedAt             time.Time
}

// Span is lines of a file, from Start to End (from 1).
type Span struct {
	File  string `json:"file"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Fragment is code that matches: lines on each side.
type Fragment struct {
	Left  Span `json:"left"`
	Right Span `json:"right"`
}

// Pair is two submissions of a step and how alike they are: two
// applications, or an application (Left) and a reference (RightReference,
// with RightApplication 0).
type Pair struct {
	ID               int64
	StepID           int64
	Language         opening.Language
	LeftApplication  int64
	RightApplication int64
	RightReference   int64
	Similarity       float64
	Fragments        []Fragment
	// Names of each side: the candidates', or the reference's.
	LeftName, RightName string
}

// Percent is the similarity as a whole percentage.
func (p Pair) Percent() int { return int(p.Similarity*100 + 0.5) }

// Other is the side of p that is not application appID: its application
// (0 for a reference), its reference and its name.
func (p Pair) Other(appID int64) (app, ref int64, name string) {
	if p.LeftApplication == appID {
		return p.RightApplication, p.RightReference, p.RightName
	}
	return p.LeftApplication, 0, p.LeftName
}

// Reference is code the team added to compare a step's answers against.
type Reference struct {
	ID        int64
	StepID    int64
	Name      string
	Language  opening.Language
	Code      string
	AddedBy   string
	CreatedAt time.Time
}

// ReferenceInput is a new reference solution.
type ReferenceInput struct {
	Name     string
	Language string
	Code     string
}

package opening

import "fmt"

// Code-review steps' limits.
const (
	MaxReviewDiff        = 1 << 20 // bytes of a change's diff
	MaxPlanted           = 50      // planted issues a step
	DefaultTolerance     = 2       // lines either side of a planted issue
	MaxTolerance         = 20
	DefaultReviewMinutes = 40
	MaxPlantedLabel      = 120
	MaxExplanation       = 4000
	MaxReviewFiles       = 2 << 20 // bytes of a change's whole files
)

// CodeReviewTask is a code-review step's work: the change the candidate
// reviews, as a unified diff, and the issues the team planted in it,
// which never reach the candidate (docs/step-kinds.md;
// kinds/codereviewkind checks it, package codereview matches comments
// to it).
type CodeReviewTask struct {
	Diff    string    `json:"diff"`
	Planted []Planted `json:"planted"`
	// Tolerance is how many lines either side of a planted issue a
	// comment may start or end and still find it.
	Tolerance int `json:"tolerance"`
	// Files are, optionally, files of the change as they are after it
	// (path → content): a candidate reads each whole, around its hunks,
	// and may comment on any of its lines.
	Files map[string]string `json:"files,omitempty"`
}

// Planted is an issue the team put in the change for the candidate to
// find: where it is (a file of the change, a range of lines on the new
// side, or on the old side for removed lines), a short label, its points,
// and what a good review would say, for reviewers.
type Planted struct {
	File        string  `json:"file"`
	Side        string  `json:"side"` // "new" or "old"
	LineStart   int     `json:"line_start"`
	LineEnd     int     `json:"line_end"`
	Label       string  `json:"label"`
	Points      float64 `json:"points"`
	Explanation string  `json:"explanation,omitempty"`
}

// Key names a planted issue by what it is: its place and its label. A
// reviewer's mark on it follows the issue, not its place in the list, and
// lapses when the issue is changed.
func (p Planted) Key() string {
	return fmt.Sprintf("%s:%s:%d-%d:%s", p.File, p.Side, p.LineStart, p.LineEnd, p.Label)
}

// Sides of a change a line is on.
const (
	SideNew = "new"
	SideOld = "old"
)

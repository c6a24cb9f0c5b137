package codereviewkind

import (
	"context"
	"errors"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/codereview"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/opening"
)

type settingsJSON struct {
	Points *float64 `json:"points,omitempty"` // the planted issues', read only; the team's (it says how much there is to find)
	Diff   string   `json:"diff"`
	// Before and After, in a request, are the change as two trees of
	// files (path → content), in place of the diff.
	Before map[string]string `json:"before,omitempty"`
	After  map[string]string `json:"after,omitempty"`
	// Files are the change's files whole, as they are after it: a
	// candidate reads around the hunks and comments on any line.
	Files         map[string]string `json:"files"`
	Planted       *[]plantedJSON    `json:"planted,omitempty"`   // the team's
	Tolerance     *int              `json:"tolerance,omitempty"` // the team's; 2 when left out
	ReviewersRate *bool             `json:"reviewers_rate,omitempty"`
}

type plantedJSON struct {
	File        string  `json:"file"`
	Side        string  `json:"side"`
	LineStart   int     `json:"line_start"`
	LineEnd     int     `json:"line_end"`
	Label       string  `json:"label"`
	Points      float64 `json:"points"`
	Explanation string  `json:"explanation"`
}

// SettingsJSON is the change for anyone; the planted issues and the
// tolerance for the team alone.
func (Unit) SettingsJSON(st opening.Step, team bool) any {
	out := settingsJSON{Files: map[string]string{}}
	if team {
		out.Points = &st.Points
	}
	t := st.CodeReview
	if t == nil {
		return out
	}
	out.Diff = t.Diff
	out.Files = t.Files
	if out.Files == nil {
		out.Files = map[string]string{}
	}
	if team {
		planted := make([]plantedJSON, len(t.Planted))
		for i, p := range t.Planted {
			planted[i] = plantedJSON(p)
		}
		out.Planted, out.Tolerance, out.ReviewersRate = &planted, &t.Tolerance, &st.ReviewersRate
	}
	return out
}

// ReadSettings reads the change (a diff, or two trees made into one) and
// the planted issues.
func (Unit) ReadSettings(st *opening.Step, decode func(any) error) error {
	var in settingsJSON
	if err := decode(&in); err != nil {
		return err
	}
	t := &opening.CodeReviewTask{Diff: in.Diff, Tolerance: opening.DefaultTolerance, Files: in.Files}
	if in.Diff == "" && (len(in.Before) > 0 || len(in.After) > 0) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		diff, err := DiffOf(ctx, in.Before, in.After)
		if err != nil {
			return err
		}
		t.Diff = diff
		// The files after, whole, for those the change keeps.
		if files, err := git.ParsePatch(diff); err == nil && len(in.Files) == 0 {
			t.Files = map[string]string{}
			for _, f := range files {
				if text, ok := in.After[f.Path]; ok && f.Status != "deleted" {
					t.Files[f.Path] = text
				}
			}
		}
	}
	if in.Tolerance != nil {
		t.Tolerance = *in.Tolerance
	}
	if in.Planted != nil {
		for _, p := range *in.Planted {
			t.Planted = append(t.Planted, opening.Planted(p))
		}
	}
	st.CodeReview = t
	st.ReviewersRate = in.ReviewersRate != nil && *in.ReviewersRate
	return nil
}

// DiffOf is the change from the files before to the files after, as a
// unified diff; both trees' paths are checked as a repository's are.
func DiffOf(ctx context.Context, before, after map[string]string) (string, error) {
	if len(before)+len(after) > git.MaxDiffFiles*2 {
		return "", apperr.Invalid("after", "the trees hold more than %d files", git.MaxDiffFiles*2)
	}
	size := 0
	for _, tree := range []map[string]string{before, after} {
		for p, text := range tree {
			if err := git.CheckPath(p); err != nil {
				return "", apperr.Invalid("after", "%q cannot be a file's path: use a plain relative path such as src/app.py", clip(p))
			}
			size += len(text)
		}
	}
	if size > 2*opening.MaxReviewDiff {
		return "", apperr.New(apperr.ErrTooLarge, "the trees hold more than %d MB", 2*opening.MaxReviewDiff>>20)
	}
	diff, err := git.DiffTrees(ctx, before, after)
	if err != nil {
		return "", err
	}
	if diff == "" {
		return "", apperr.Invalid("after", "the trees are the same: there is no change to review")
	}
	return diff, nil
}

func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "…"
	}
	return s
}

type answerJSON struct {
	Comments   []commentJSON `json:"comments"`
	Summary    string        `json:"summary"`
	CodeReview *matchesJSON  `json:"codereview,omitempty"` // the team's
}

type commentJSON struct {
	File      string `json:"file"`
	Side      string `json:"side"`
	LineStart int    `json:"line_start"`
	LineEnd   int    `json:"line_end"`
	Body      string `json:"body"`
}

type matchesJSON struct {
	Found    []foundJSON  `json:"found"`
	Credited []creditJSON `json:"credited"`
	Score    float64      `json:"score"`
	MaxScore float64      `json:"max_score"`
}

type foundJSON struct {
	PlantedIndex   int   `json:"planted_index"`
	CommentIndexes []int `json:"comment_indexes"`
	// Confirmed is a reviewer's word on the match: null before any.
	Confirmed *bool `json:"confirmed"`
}

type creditJSON struct {
	CommentIndex int     `json:"comment_index"`
	Points       float64 `json:"points"`
}

// AnswerJSON is the comments and the summary; for the team, which
// planted issues they found, the reviewers' marks and the score.
func (Unit) AnswerJSON(v appview.Step, base string, team bool) any {
	out := answerJSON{Comments: []commentJSON{}}
	r := v.Answer.CodeReview
	if r != nil {
		for _, m := range r.Comments {
			out.Comments = append(out.Comments, commentJSON(m))
		}
		out.Summary = r.Summary
	}
	if !team || v.Step.CodeReview == nil {
		return out
	}
	m, err := Matches(v.Step, v.Answer)
	if err != nil {
		return out
	}
	out.CodeReview = &matchesJSON{Found: []foundJSON{}, Credited: []creditJSON{}, Score: m.Score, MaxScore: m.Max}
	for _, f := range m.Found {
		out.CodeReview.Found = append(out.CodeReview.Found, foundJSON{PlantedIndex: f.Planted, CommentIndexes: append([]int{}, f.Comments...), Confirmed: f.Confirmed})
	}
	for i, p := range m.Credited {
		if p > 0 {
			out.CodeReview.Credited = append(out.CodeReview.Credited, creditJSON{CommentIndex: i, Points: p})
		}
	}
	return out
}

// Matched is a code-review answer as reviewers read it: each planted
// issue with the comments that found it and the reviewers' word, the
// points credited to each comment, the score.
type Matched struct {
	Found      []Found
	Credited   []float64 // by comment
	Score, Max float64
}

// Found is a planted issue, the comments on its lines, and the
// reviewers' word: nil before any, true confirmed, false rejected.
type Found struct {
	codereview.Found
	Confirmed *bool
}

// Matches matches a's comments to step's planted issues.
func Matches(step opening.Step, a application.Answer) (Matched, error) {
	if step.CodeReview == nil {
		return Matched{}, errors.New("codereviewkind: not a code-review step")
	}
	c, err := codereview.ParseTask(step.CodeReview)
	if err != nil {
		return Matched{}, err
	}
	var comments []application.LineComment
	if a.CodeReview != nil {
		comments = a.CodeReview.Comments
	}
	out := Matched{Credited: make([]float64, len(comments))}
	out.Score, out.Max = c.Score(step.CodeReview, a.CodeReview, a.Marks)
	word := map[int]*bool{}
	for _, m := range a.Marks {
		switch {
		case m.Planted >= 0:
			if i, ok := codereview.MarkedIssue(step.CodeReview, m); ok {
				yes := m.Verdict == application.Confirmed
				word[i] = &yes
			}
		case m.Comment >= 0 && m.Comment < len(comments) && m.Verdict == application.Credited:
			out.Credited[m.Comment] = m.Points
		}
	}
	for _, f := range c.Match(step.CodeReview, comments) {
		out.Found = append(out.Found, Found{Found: f, Confirmed: word[f.Planted]})
	}
	return out, nil
}

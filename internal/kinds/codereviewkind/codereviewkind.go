// Package codereviewkind is the code-review step kind: the candidate
// reviews a change the team gives as a unified diff, commenting on its
// lines and summing it up; comments on the lines of the issues the team
// planted find them, and reviewers confirm or reject each match
// (docs/step-kinds.md; package codereview reads the change and matches).
package codereviewkind

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/codereview"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/plaintext"
)

// Unit is the kind's unit (opening.KindUnit).
type Unit struct{}

// Facts are the kind's facts.
func (Unit) Facts() opening.KindFacts {
	return opening.KindFacts{Kind: opening.KindCodeReview, Label: "Code review", Add: "Add a code-review step",
		Available: true, Scored: true, Settings: []string{"points", "diff", "files", "planted", "tolerance", "reviewers_rate"}}
}

// Answers' limits.
const (
	MaxComments    = 200
	MaxCommentBody = 10_000 // characters
	MaxSummary     = 20_000
)

// Settings checks the task: a diff of text files that reads (at most
// opening.MaxReviewDiff), planted issues on its lines, labelled and worth
// points, none overlapping; the tolerance. The step's points are the
// planted issues'; its time, 40 minutes unless set.
func (Unit) Settings(at opening.At, step, from opening.Step) (opening.Step, error) {
	step.ReviewersRate = from.ReviewersRate
	if from.CodeReview == nil || strings.TrimSpace(from.CodeReview.Diff) == "" {
		return step, at.Invalid("diff", "a code review needs the change to review, as a unified diff")
	}
	t := *from.CodeReview
	t.Diff = strings.ReplaceAll(t.Diff, "\r\n", "\n")
	t.Files = nil
	for p, text := range from.CodeReview.Files {
		if t.Files == nil {
			t.Files = map[string]string{}
		}
		t.Files[p] = strings.ReplaceAll(text, "\r\n", "\n")
	}
	c, err := codereview.ParseTask(&t)
	if err != nil {
		return step, atStep(at, err)
	}
	if t.Tolerance < 0 || t.Tolerance > opening.MaxTolerance {
		return step, at.Invalid("tolerance", "the tolerance must be between 0 and %d lines", opening.MaxTolerance)
	}
	t.Planted = append([]opening.Planted(nil), t.Planted...)
	for i := range t.Planted {
		p := &t.Planted[i]
		field := fmt.Sprintf("planted[%d]", i)
		if p.Side == "" {
			p.Side = opening.SideNew
		}
		if p.LineEnd == 0 {
			p.LineEnd = p.LineStart
		}
		if p.Label, err = (plaintext.Field{Name: at.Field(field + ".label"), Label: at.Label(fmt.Sprintf("planted issue %d's label", i+1)), Max: opening.MaxPlantedLabel, Required: true}).Check(p.Label); err != nil {
			return step, err
		}
		if p.Explanation, err = (plaintext.Field{Name: at.Field(field + ".explanation"), Label: at.Label(fmt.Sprintf("planted issue %d's explanation", i+1)), Max: opening.MaxExplanation, Multiline: true}).Check(p.Explanation); err != nil {
			return step, err
		}
		if !(p.Points > 0 && p.Points <= 100) || math.IsNaN(p.Points) {
			return step, at.Invalid(field+".points", "planted issue %d must be worth between 0 and 100 points", i+1)
		}
	}
	if err := c.CheckPlanted(t.Planted); err != nil {
		return step, atStep(at, err)
	}
	step.Points = codereview.Points(&t)
	if step.Minutes == 0 {
		step.Minutes = opening.DefaultReviewMinutes
	}
	step.CodeReview = &t
	return step, nil
}

// atStep places a refusal of the change or its planted issues in the
// step, at its field.
func atStep(at opening.At, err error) error {
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Field != "" {
		return at.Invalid(ae.Field, "%s", ae.Message)
	}
	return err
}

// Answer takes the whole review: comments each on lines the change shows
// (at most MaxComments, each at most MaxCommentBody characters and not
// blank) and a summary (at most MaxSummary).
func (Unit) Answer(step opening.Step, in application.AnswerInput) (application.Answer, error) {
	var ans application.Answer
	if in.CodeReview == nil || in.Text != nil || in.Choices != nil || in.Code != nil || in.Language != nil {
		return ans, apperr.Invalid("comments", "this step takes a review: send {\"comments\": [{\"file\", \"side\", \"line_start\", \"line_end\", \"body\"}], \"summary\": \"…\"}")
	}
	c, err := codereview.ParseTask(step.CodeReview)
	if err != nil {
		return ans, err
	}
	r := application.CodeReview{Comments: []application.LineComment{}}
	if len(in.CodeReview.Comments) > MaxComments {
		return ans, apperr.New(apperr.ErrTooLarge, "a review holds at most %d comments; this one has %d", MaxComments, len(in.CodeReview.Comments))
	}
	for i, m := range in.CodeReview.Comments {
		if m.Side == "" {
			m.Side = opening.SideNew
		}
		if m.LineEnd == 0 {
			m.LineEnd = m.LineStart
		}
		if err := c.CheckComment(i, m); err != nil {
			return ans, err
		}
		if utf8.RuneCountInString(m.Body) > MaxCommentBody {
			return ans, apperr.New(apperr.ErrTooLarge, "comment %d is %d characters long; a comment holds at most %d", i+1, utf8.RuneCountInString(m.Body), MaxCommentBody)
		}
		if m.Body, err = (plaintext.Field{Name: fmt.Sprintf("comments[%d].body", i), Label: fmt.Sprintf("comment %d", i+1), Required: true, Multiline: true}).Check(m.Body); err != nil {
			return ans, err
		}
		r.Comments = append(r.Comments, m)
	}
	if utf8.RuneCountInString(in.CodeReview.Summary) > MaxSummary {
		return ans, apperr.New(apperr.ErrTooLarge, "the summary holds at most %d characters", MaxSummary)
	}
	if r.Summary, err = (plaintext.Field{Name: "summary", Label: "the summary", Multiline: true}).Check(in.CodeReview.Summary); err != nil {
		return ans, err
	}
	ans.CodeReview = &r
	return ans, nil
}

// Given: a comment or a summary.
func (Unit) Given(a application.Answer) bool {
	return a.CodeReview != nil && (len(a.CodeReview.Comments) > 0 || a.CodeReview.Summary != "")
}

// Score is worked out from the comments, the planted issues and the
// reviewers' marks (codereview.Change.Score): a suggestion until
// reviewers mark it.
func (Unit) Score(step opening.Step, a application.Answer) (score, max float64, ok bool) {
	if step.CodeReview == nil {
		return 0, 0, false
	}
	c, err := codereview.ParseTask(step.CodeReview)
	if err != nil {
		return 0, codereview.Points(step.CodeReview), false
	}
	score, max = c.Score(step.CodeReview, a.CodeReview, a.Marks)
	return score, max, true
}

// Derived: the score follows the planted issues as they are now.
func (Unit) Derived() bool { return true }

// View sets the score, for the team alone: a candidate who read it as
// they commented would learn, comment by comment, where the planted
// issues are.
func (Unit) View(v *appview.Step, p appview.Parts, forCandidate bool) {
	if forCandidate {
		v.Answer.Marks = nil
		return
	}
	v.Max = v.Step.Points
	if s, max, ok := (Unit{}).Score(v.Step, v.Answer); ok && v.Answered {
		v.Score, v.Max, v.Scored = s, max, true
	}
}

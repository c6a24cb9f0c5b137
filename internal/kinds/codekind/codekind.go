// Package codekind is the coding-task step kind: the candidate writes
// code in one of the task's languages, graded in the sandbox by the
// team's visible and hidden tests and stdin/stdout cases
// (docs/step-kinds.md). Gradings are package grading's; the engine is
// package grader's.
package codekind

import (
	"strings"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/opening"
)

// Unit is the kind's unit (opening.KindUnit).
type Unit struct{}

// Facts are the kind's facts.
func (Unit) Facts() opening.KindFacts {
	return opening.KindFacts{Kind: opening.KindCode, Label: "Coding task", Add: "Add a coding step", Available: true, Scored: true,
		Settings: []string{"points", "languages", "starter", "tests", "io_cases", "time_limit_ms", "memory_mb", "reviewers_rate"}}
}

// Answer takes code in one of the task's languages: text, at most
// application.MaxCode bytes, line ends made "\n". A task the team changed
// and has not checked again (opening.CodeTask.Unready) takes none.
func (Unit) Answer(step opening.Step, in application.AnswerInput) (application.Answer, error) {
	var ans application.Answer
	if len(step.Code.Unready()) > 0 {
		// Changed since the candidate was invited and not checked again.
		return ans, application.ErrTaskNotReady
	}
	if in.Code == nil || in.Language == nil || in.Text != nil || in.Choices != nil {
		return ans, apperr.Invalid("code", "this step takes code: send {\"language\": \"…\", \"code\": \"…\"}")
	}
	lang := opening.Language(*in.Language)
	if !step.Code.Supports(lang) {
		return ans, apperr.Invalid("language", "this task is answered in %s, not %q", languageList(step.Code), *in.Language)
	}
	if len(*in.Code) > application.MaxCode {
		return ans, apperr.New(apperr.ErrTooLarge, "the code is longer than %d KB", application.MaxCode/1000)
	}
	if !utf8.ValidString(*in.Code) || strings.ContainsRune(*in.Code, 0) {
		return ans, apperr.Invalid("code", "the code contains characters that are not text")
	}
	ans.Language, ans.Code = lang, strings.ReplaceAll(*in.Code, "\r\n", "\n")
	return ans, nil
}

func languageList(c *opening.CodeTask) string {
	var names []string
	for _, l := range c.Languages {
		names = append(names, l.Label())
	}
	return strings.Join(names, " or ")
}

// Given: code that is not blank.
func (Unit) Given(a application.Answer) bool { return strings.TrimSpace(a.Code) != "" }

// Score is the grading's score, stored on the answer once graded; the
// step's points count in the total from the start.
func (Unit) Score(step opening.Step, a application.Answer) (score, max float64, ok bool) {
	if a.Score == nil {
		return 0, step.Points, false
	}
	return *a.Score, step.Points, true
}

// Derived: no, the score is the grading's, stored when it is found.
func (Unit) Derived() bool { return false }

// View adds the latest grading, without the hidden tests' details for
// the candidate; until it is graded Max is the step's points.
func (Unit) View(v *appview.Step, p appview.Parts, forCandidate bool) {
	v.Max = v.Step.Points
	if act, ok := p.Activity[v.Step.ID]; ok {
		v.Activity = &act
	}
	g, ok := p.Gradings[v.Step.ID]
	if !ok {
		return
	}
	if forCandidate {
		g = g.ForCandidate()
	}
	v.Grading = &g
	if g.Score != nil && g.MaxScore != nil {
		v.Score, v.Max, v.Scored = *g.Score, *g.MaxScore, true
	}
}

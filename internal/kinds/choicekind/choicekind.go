// Package choicekind is the multiple-choice step kind: the candidate
// chooses one option or several, scored automatically from the options
// marked correct, with partial credit when several may be chosen
// (docs/step-kinds.md).
package choicekind

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/plaintext"
)

// Unit is the kind's unit (opening.KindUnit).
type Unit struct{}

// Facts are the kind's facts.
func (Unit) Facts() opening.KindFacts {
	return opening.KindFacts{Kind: opening.KindChoice, Label: "Multiple choice", Add: "Add a multiple-choice step",
		Available: true, Scored: true, Settings: []string{"multiple", "points", "options", "reviewers_rate"}}
}

// Settings checks the options (2 to opening.MaxOptions, each text once,
// at least one correct, only one unless several may be chosen) and the
// points (0 to 1000; none given is 1).
func (Unit) Settings(at opening.At, step, from opening.Step) (opening.Step, error) {
	step.Multiple, step.Points, step.ReviewersRate = from.Multiple, from.Points, from.ReviewersRate
	step.Options = append([]opening.Option(nil), from.Options...)
	if step.Points == 0 {
		step.Points = 1
	}
	if !(step.Points >= 0 && step.Points <= 1000) { // written so that NaN fails too
		return step, at.Invalid("points", "points must be between 0 and 1000")
	}
	if len(step.Options) < 2 || len(step.Options) > opening.MaxOptions {
		return step, at.Invalid("options", "a choice needs between 2 and %d options", opening.MaxOptions)
	}
	correct := 0
	seen := map[string]bool{}
	for j := range step.Options {
		text, err := plaintext.Field{Name: at.Field(fmt.Sprintf("options[%d].text", j)),
			Label: fmt.Sprintf("step %d, option %d", int(at)+1, j+1), Max: 1000, Required: true}.Check(step.Options[j].Text)
		if err != nil {
			return step, err
		}
		if seen[text] {
			return step, at.Invalid("options", "option %q appears twice", text)
		}
		seen[text] = true
		step.Options[j].Text = text
		if step.Options[j].Correct {
			correct++
		}
	}
	if correct == 0 {
		return step, at.Invalid("options", "mark at least one option as correct")
	}
	if !step.Multiple && correct > 1 {
		return step, at.Invalid("options", "only one option can be correct unless several may be chosen")
	}
	return step, nil
}

// Answer takes option ids of the step, each once, one unless several may
// be chosen, and scores them.
func (u Unit) Answer(step opening.Step, in application.AnswerInput) (application.Answer, error) {
	var ans application.Answer
	if in.Choices == nil || in.Text != nil || in.Code != nil || in.Language != nil {
		return ans, apperr.Invalid("choices", "this step takes a choice: send {\"choices\": [option ids]}")
	}
	var chosen []int64
	seen := map[int64]bool{}
	for _, id := range *in.Choices {
		if _, ok := step.Option(id); !ok {
			return ans, apperr.Invalid("choices", "option %d is not one of this step's options", id)
		}
		if !seen[id] {
			seen[id] = true
			chosen = append(chosen, id)
		}
	}
	if !step.Multiple && len(chosen) > 1 {
		return ans, apperr.Invalid("choices", "choose only one option for this question")
	}
	ans.Choices = chosen
	score, max, _ := u.Score(step, ans)
	ans.Score, ans.MaxScore = &score, &max
	return ans, nil
}

// Given: at least one option chosen.
func (Unit) Given(a application.Answer) bool { return len(a.Choices) > 0 }

// Score scores the chosen options against the step's options now. A
// single choice earns all the points or none. With several allowed, each
// correct option chosen earns its share and each wrong option chosen
// takes a share away, never below zero, so ticking every box does not
// pay. An option removed since it was chosen counts as wrong.
func (Unit) Score(step opening.Step, a application.Answer) (score, max float64, ok bool) {
	max = step.Points
	correct, right, wrong := 0, 0, 0
	for _, o := range step.Options {
		if o.Correct {
			correct++
		}
	}
	for _, id := range a.Choices {
		if o, ok := step.Option(id); ok && o.Correct {
			right++
		} else {
			wrong++
		}
	}
	if correct == 0 {
		return 0, max, true
	}
	if !step.Multiple {
		if right == 1 && wrong == 0 {
			return max, max, true
		}
		return 0, max, true
	}
	frac := float64(right-wrong) / float64(correct)
	if frac < 0 {
		frac = 0
	}
	return frac * max, max, true
}

// Derived: the score follows the options, so correcting one rescores.
func (Unit) Derived() bool { return true }

// View lists the options with what was chosen, and the removed options
// that were, and scores them from the current options (the stored scores
// catch up in the background).
func (u Unit) View(v *appview.Step, p appview.Parts, forCandidate bool) {
	chosen := map[int64]bool{}
	for _, id := range v.Answer.Choices {
		chosen[id] = true
	}
	for _, o := range v.Step.Options {
		v.Options = append(v.Options, appview.Option{ID: o.ID, Text: o.Text, Chosen: chosen[o.ID], Correct: o.Correct})
	}
	for _, o := range v.Step.Former {
		if chosen[o.ID] {
			v.Options = append(v.Options, appview.Option{ID: o.ID, Text: o.Text, Chosen: true, Removed: true})
		}
	}
	v.Score, v.Max, v.Scored = u.Score(v.Step, v.Answer)
}

type settingsJSON struct {
	Multiple      bool         `json:"multiple"`
	Points        float64      `json:"points"`
	Options       []optionJSON `json:"options"`
	ReviewersRate *bool        `json:"reviewers_rate,omitempty"` // the team's
}

type optionJSON struct {
	ID      int64  `json:"id,omitempty"` // absent on a new option
	Text    string `json:"text"`
	Correct *bool  `json:"correct,omitempty"` // never shown to candidates
}

// SettingsJSON is the options, with which are correct for the team only.
func (Unit) SettingsJSON(st opening.Step, team bool) any {
	out := settingsJSON{Multiple: st.Multiple, Points: st.Points, Options: make([]optionJSON, len(st.Options))}
	for i, o := range st.Options {
		out.Options[i] = optionJSON{ID: o.ID, Text: o.Text}
		if team {
			out.Options[i].Correct = &o.Correct
		}
	}
	if team {
		out.ReviewersRate = &st.ReviewersRate
	}
	return out
}

// ReadSettings reads the options and points.
func (Unit) ReadSettings(st *opening.Step, decode func(any) error) error {
	var in settingsJSON
	if err := decode(&in); err != nil {
		return err
	}
	st.Multiple, st.Points = in.Multiple, in.Points
	st.ReviewersRate = in.ReviewersRate != nil && *in.ReviewersRate
	for _, o := range in.Options {
		st.Options = append(st.Options, opening.Option{ID: o.ID, Text: o.Text, Correct: o.Correct != nil && *o.Correct})
	}
	return nil
}

type answerJSON struct {
	Choices []int64 `json:"choices"` // option ids
}

// AnswerJSON is the options chosen.
func (Unit) AnswerJSON(v appview.Step, base string, team bool) any {
	return answerJSON{Choices: append([]int64{}, v.Answer.Choices...)}
}

// FormAnswer reads the options ticked on the step page.
func (Unit) FormAnswer(st opening.Step, form url.Values) (application.AnswerInput, application.Answer, error) {
	typed := application.Answer{StepID: st.ID}
	ids := []int64{}
	for _, c := range form["choice"] {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			return application.AnswerInput{}, typed, apperr.Invalid("choice", "that option is not one of this question's options")
		}
		ids = append(ids, id)
	}
	typed.Choices = ids
	return application.AnswerInput{Choices: &ids}, typed, nil
}

// Package textkind is the written-answer step kind: the candidate types
// an answer, with an optional word limit, and reviewers rate it
// (docs/step-kinds.md).
package textkind

import (
	"net/url"
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
	return opening.KindFacts{Kind: opening.KindText, Label: "Written answer", Add: "Add a written-answer step",
		Available: true, Settings: []string{"max_words"}}
}

// Settings checks the word limit: 0 is none.
func (Unit) Settings(at opening.At, step, from opening.Step) (opening.Step, error) {
	if from.MaxWords < 0 || from.MaxWords > opening.MaxWordLimit {
		return step, at.Invalid("max_words", "the word limit must be between 0 (none) and %d", opening.MaxWordLimit)
	}
	step.MaxWords = from.MaxWords
	return step, nil
}

// Answer takes text only: valid UTF-8 without NUL, at most
// application.MaxTextAnswer characters, line ends made "\n". Over the
// word limit it is kept; CheckSubmit refuses to send it.
func (Unit) Answer(step opening.Step, in application.AnswerInput) (application.Answer, error) {
	var ans application.Answer
	if in.Text == nil || in.Choices != nil || in.Code != nil || in.Language != nil {
		return ans, apperr.Invalid("text", "this step takes a written answer: send {\"text\": \"…\"}")
	}
	if utf8.RuneCountInString(*in.Text) > application.MaxTextAnswer {
		return ans, apperr.New(apperr.ErrTooLarge, "the answer is longer than %d characters", application.MaxTextAnswer)
	}
	if !utf8.ValidString(*in.Text) || strings.ContainsRune(*in.Text, 0) {
		return ans, apperr.Invalid("text", "the answer contains characters that are not text")
	}
	ans.Text = strings.ReplaceAll(*in.Text, "\r\n", "\n")
	return ans, nil
}

// Given: some text that is not blank.
func (Unit) Given(a application.Answer) bool { return strings.TrimSpace(a.Text) != "" }

// Over reports whether a's words pass the step's limit.
func Over(step opening.Step, a application.Answer) bool {
	return step.MaxWords > 0 && a.Words() > step.MaxWords
}

// CheckSubmit refuses an answer over the word limit.
func (Unit) CheckSubmit(step opening.Step, a application.Answer) error {
	if Over(step, a) {
		return apperr.Conflict("your answer to %q has %d words; the limit is %d. Shorten it, then submit again", step.Title, a.Words(), step.MaxWords)
	}
	return nil
}

type settingsJSON struct {
	MaxWords int `json:"max_words"` // 0 is no limit
}

// SettingsJSON is the word limit, for anyone.
func (Unit) SettingsJSON(st opening.Step, team bool) any { return settingsJSON{MaxWords: st.MaxWords} }

// ReadSettings reads the word limit.
func (Unit) ReadSettings(st *opening.Step, decode func(any) error) error {
	var in settingsJSON
	if err := decode(&in); err != nil {
		return err
	}
	st.MaxWords = in.MaxWords
	return nil
}

type answerJSON struct {
	Text  string `json:"text"`
	Words int    `json:"words"`
}

// AnswerJSON is the text and its words.
func (Unit) AnswerJSON(v appview.Step, base string, team bool) any {
	return answerJSON{Text: v.Answer.Text, Words: v.Answer.Words()}
}

// FormAnswer reads the text from the step page's form.
func (Unit) FormAnswer(st opening.Step, form url.Values) (application.AnswerInput, application.Answer, error) {
	typed := application.Answer{StepID: st.ID, Text: form.Get("text")}
	return application.AnswerInput{Text: &typed.Text}, typed, nil
}

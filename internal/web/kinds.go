package web

import (
	"net/url"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/editform"
	"github.com/anyhour/anyhour/internal/opening"
)

// What the pages ask of a step kind's unit (opening.KindUnit;
// docs/step-kinds.md) besides its templates (templates/kinds/<kind>.html).

// A FormAnswerer reads a candidate's answer from the step page's form,
// and returns it also as an Answer, so that a form shown again keeps what
// was typed or chosen.
type FormAnswerer interface {
	FormAnswer(st opening.Step, form url.Values) (application.AnswerInput, application.Answer, error)
}

// An EditorKind is a kind whose settings are set in the interview
// editor, in the fields of its "<kind>-settings", "-row" and "-after"
// fragments, named steps.N.<name>.
type EditorKind interface {
	// NewStep is a new step of the kind with the settings the editor
	// offers first.
	NewStep() opening.Step
	// EditorFields are st's settings as the editor's fields, by name.
	EditorFields(st opening.Step) url.Values
	// ReadEditor reads the fields typed into st; saved is the step as
	// saved, if it is, whose settings edited on a page of their own
	// (a coding task's) it carries over.
	ReadEditor(st *opening.Step, saved *opening.Step, f editform.Fields) error
}

// held is why the answer a cannot be sent as it is (the kind's
// application.SubmitChecker), or "".
func held(st opening.Step, a application.Answer) string {
	c, ok := opening.As[application.SubmitChecker](st.Kind)
	if !ok {
		return ""
	}
	if err := c.CheckSubmit(st, a); err != nil {
		return sentence(err.Error())
	}
	return ""
}

package web

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/editform"
	"github.com/anyhour/anyhour/internal/opening"
)

// interviewForm is the interview editor's form as typed: numbers stay text
// so that a bad value is shown again as entered.
type interviewForm struct {
	ID           int64 // 0 for a new interview
	JobID        int64
	JobTitle     string
	Title        string
	Intro        string
	DeadlineDays string
	Practice     bool
	Steps        []stepForm
}

// stepForm is one step block of the editor. ID and option IDs travel in
// hidden fields so that UpdateInterview keeps the step and its answers.
type stepForm struct {
	ID       int64
	Kind     opening.Kind
	Title    string
	Prompt   string
	Minutes  string
	Position string
	Remove   bool
	// Options are the option rows of a kind with options (choice).
	Options []optionForm
	// Fields are the kind's settings as typed, by name ("max_words" of
	// steps.N.max_words), which its EditorKind reads and fills and its
	// editor fragments show.
	Fields url.Values

	row int // the row it came from in the posted form, which Move up and down name
}

// Field is a setting as typed.
func (sf stepForm) Field(name string) string { return sf.Fields.Get(name) }

// Checked reports whether a setting's checkbox is ticked.
func (sf stepForm) Checked(name string) bool { return sf.Fields.Get(name) != "" }

type optionForm struct {
	ID      int64
	Text    string
	Correct bool
}

// Limits on a posted editor form, above the domain's, so a hostile post
// cannot make the parser allocate much.
const (
	maxFormSteps   = opening.MaxSteps + 10
	maxFormOptions = opening.MaxOptions + 10
)

// parseInterviewForm reads the editor's fields: title, intro,
// deadline_days, practice and steps.N.field or steps.N.options.M.field, where N and
// M are row numbers of the form (not positions). Steps come back sorted by
// their position field, then by row.
func parseInterviewForm(form url.Values) (interviewForm, error) {
	f := interviewForm{Title: form.Get("title"), Intro: form.Get("intro"), DeadlineDays: form.Get("deadline_days"), Practice: form.Get("practice") != ""}
	steps := map[int]*stepForm{}
	options := map[int]map[int]*optionForm{}
	for key, vals := range form {
		rest, ok := strings.CutPrefix(key, "steps.")
		if !ok || len(vals) == 0 {
			continue
		}
		parts := strings.Split(rest, ".")
		n, err := strconv.Atoi(parts[0])
		if err != nil || n < 0 || n >= maxFormSteps {
			return f, apperr.Invalid(key, "the form field %q is not one this page sends", key)
		}
		if steps[n] == nil {
			steps[n] = &stepForm{}
			options[n] = map[int]*optionForm{}
		}
		v := vals[len(vals)-1]
		if len(parts) == 4 && parts[1] == "options" {
			j, err := strconv.Atoi(parts[2])
			if err != nil || j < 0 || j >= maxFormOptions {
				return f, apperr.Invalid(key, "the form field %q is not one this page sends", key)
			}
			if options[n][j] == nil {
				options[n][j] = &optionForm{}
			}
			if err := setOptionField(options[n][j], parts[3], v); err != nil {
				return f, err
			}
			continue
		}
		if len(parts) != 2 {
			return f, apperr.Invalid(key, "the form field %q is not one this page sends", key)
		}
		if err := setStepField(steps[n], parts[1], v); err != nil {
			return f, err
		}
	}
	for _, n := range slices.Sorted(maps.Keys(steps)) {
		st := steps[n]
		st.row = n
		st.Options = inRowOrder(options[n])
		f.Steps = append(f.Steps, *st)
	}
	sort.SliceStable(f.Steps, func(a, b int) bool { return position(f.Steps[a]) < position(f.Steps[b]) })
	return f, nil
}

// position is a step's position field as a number; blank or bad ones
// sort last, keeping their row order.
func position(st stepForm) int {
	p, err := strconv.Atoi(strings.TrimSpace(st.Position))
	if err != nil {
		return 1 << 30
	}
	return p
}

func setStepField(st *stepForm, name, v string) error {
	switch name {
	case "id":
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return apperr.Invalid("id", "a step id in the form is damaged; reload the page")
		}
		st.ID = id
	case "kind":
		st.Kind = opening.Kind(v)
	case "title":
		st.Title = v
	case "prompt":
		st.Prompt = v
	case "minutes":
		st.Minutes = v
	case "position":
		st.Position = v
	case "remove":
		st.Remove = v != ""
	default:
		// The kind's settings: its EditorKind reads those it knows.
		if !settingName(name) {
			return apperr.Invalid(name, "the form field %q is not one this page sends", name)
		}
		if st.Fields == nil {
			st.Fields = url.Values{}
		}
		st.Fields.Set(name, v)
	}
	return nil
}

func setOptionField(o *optionForm, name, v string) error {
	switch name {
	case "id":
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return apperr.Invalid("id", "an option id in the form is damaged; reload the page")
		}
		o.ID = id
	case "text":
		o.Text = v
	case "correct":
		o.Correct = v != ""
	default:
		return apperr.Invalid(name, "the form field %q is not one this page sends", name)
	}
	return nil
}

// settingName reports whether name may be a kind's setting in the
// editor: short, of lower-case letters, digits and underscores.
func settingName(name string) bool {
	if name == "" || len(name) > 40 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// input turns the form into the domain's input: removed steps and blank
// option rows left out, numbers checked, each kind's settings read by its
// EditorKind. current is the interview as saved (empty for a new one),
// whose settings edited elsewhere the kinds carry over.
func (f interviewForm) input(current opening.Interview) (opening.InterviewInput, error) {
	in := opening.InterviewInput{Title: &f.Title, Intro: &f.Intro, Practice: &f.Practice}
	days, err := editform.Int(f.DeadlineDays, "deadline_days", "the deadline")
	if err != nil {
		return in, err
	}
	in.DeadlineDays = &days
	steps := []opening.Step{}
	for _, sf := range f.Steps {
		if sf.Remove {
			continue
		}
		label := fmt.Sprintf("step %d's ", len(steps)+1)
		st := opening.Step{ID: sf.ID, Kind: sf.Kind, Title: sf.Title, Prompt: sf.Prompt}
		if st.Minutes, err = editform.Int(sf.Minutes, "minutes", label+"time estimate"); err != nil {
			return in, err
		}
		for _, o := range sf.Options {
			if strings.TrimSpace(o.Text) == "" {
				continue // a blank row, or an option cleared to remove it
			}
			st.Options = append(st.Options, opening.Option{ID: o.ID, Text: o.Text, Correct: o.Correct})
		}
		if k, ok := opening.As[EditorKind](sf.Kind); ok {
			var saved *opening.Step
			if old, ok := current.Step(sf.ID); ok && sf.ID != 0 && old.Kind == sf.Kind {
				saved = &old
			}
			if err := k.ReadEditor(&st, saved, editform.Fields{Values: sf.Fields, Label: label}); err != nil {
				return in, err
			}
		}
		steps = append(steps, st)
	}
	in.Steps = &steps
	return in, nil
}

// interviewFormOf fills the editor from a saved interview.
func interviewFormOf(iv opening.Interview) interviewForm {
	f := interviewForm{ID: iv.ID, JobID: iv.JobID, Title: iv.Title, Intro: iv.Intro, DeadlineDays: strconv.Itoa(iv.DeadlineDays), Practice: iv.Practice}
	for _, st := range iv.Steps {
		f.Steps = append(f.Steps, stepFormOf(st))
	}
	return f
}

// stepFormOf fills a step block from st. An estimate the kind works out
// (opening.Estimator) is left blank, so that it follows the settings.
func stepFormOf(st opening.Step) stepForm {
	sf := stepForm{ID: st.ID, Kind: st.Kind, Title: st.Title, Prompt: st.Prompt, Minutes: strconv.Itoa(st.Minutes)}
	if e, ok := opening.As[opening.Estimator](st.Kind); ok && (st.Minutes == 0 || st.Minutes == e.Estimate(st)) {
		sf.Minutes = ""
	}
	if k, ok := opening.As[EditorKind](st.Kind); ok {
		sf.Fields = k.EditorFields(st)
	}
	for _, o := range st.Options {
		sf.Options = append(sf.Options, optionForm{ID: o.ID, Text: o.Text, Correct: o.Correct})
	}
	return sf
}

// stepEdit is what a kind's editor fragments receive: the step's row in
// the form, the step, and the interview's id (0 before it is saved).
type stepEdit struct {
	I           int
	Step        stepForm
	InterviewID int64
}

// MinutesWorkedOut reports whether a blank time estimate is worked out
// from the step's settings (opening.Estimator).
func (sf stepForm) MinutesWorkedOut() bool {
	_, ok := opening.As[opening.Estimator](sf.Kind)
	return ok
}

// newStep is an empty step block of a kind, with the settings its
// EditorKind offers first.
func newStep(kind opening.Kind) stepForm {
	st := opening.Step{Kind: kind, Minutes: 5}
	if k, ok := opening.As[EditorKind](kind); ok {
		st = k.NewStep()
		st.Kind = kind
	}
	return stepFormOf(st)
}

// prepare readies the form for display: positions numbered 1..n in their
// order, and blank option rows (two more than typed, at least four) for
// choice steps.
func (f *interviewForm) prepare() {
	for i := range f.Steps {
		st := &f.Steps[i]
		st.Position = strconv.Itoa(i + 1)
		if !slices.Contains(st.Kind.Facts().Settings, "options") {
			continue
		}
		var kept []optionForm
		for _, o := range st.Options {
			if strings.TrimSpace(o.Text) != "" {
				kept = append(kept, o)
			}
		}
		n := len(kept) + 2
		if n < 4 {
			n = 4
		}
		for len(kept) < n {
			kept = append(kept, optionForm{})
		}
		st.Options = kept
	}
}

// inRowOrder is the rows of a form, numbered by their fields' names, in
// the order of their numbers.
func inRowOrder[T any](rows map[int]*T) []T {
	var out []T
	for _, n := range slices.Sorted(maps.Keys(rows)) {
		out = append(out, *rows[n])
	}
	return out
}

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
	"github.com/anyhour/anyhour/internal/filetype"
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
	MaxWords string
	Multiple bool
	Points   string
	Position string
	Remove   bool
	Options  []optionForm
	// Choice and code steps: reviewers rate the answers from 1 to 5 too.
	ReviewersRate bool

	// Video steps: think time in seconds, the longest take as seconds or
	// m:ss, and retakes after the first take.
	ThinkSeconds string
	MaxLength    string
	Retakes      string

	// File steps: the types taken (filetype names), how many files and
	// how large each, in MB.
	FileTypes []string
	MaxFiles  string
	MaxMB     string

	row int // the row it came from in the posted form, which Move up and down name
}

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
	case "max_words":
		st.MaxWords = v
	case "multiple":
		st.Multiple = v != ""
	case "points":
		st.Points = v
	case "position":
		st.Position = v
	case "remove":
		st.Remove = v != ""
	case "reviewers_rate":
		st.ReviewersRate = v != ""
	case "think_seconds":
		st.ThinkSeconds = v
	case "max_length":
		st.MaxLength = v
	case "max_files":
		st.MaxFiles = v
	case "max_mb":
		st.MaxMB = v
	case "retakes":
		st.Retakes = v
	default:
		if t, ok := strings.CutPrefix(name, "type_"); ok && v != "" {
			if _, known := filetype.ByName(t); known && !slices.Contains(st.FileTypes, t) {
				st.FileTypes = append(st.FileTypes, t)
				return nil
			}
		}
		return apperr.Invalid(name, "the form field %q is not one this page sends", name)
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

// input turns the form into the domain's input: removed steps and blank
// option rows left out, numbers checked.
func (f interviewForm) input() (opening.InterviewInput, error) {
	in := opening.InterviewInput{Title: &f.Title, Intro: &f.Intro, Practice: &f.Practice}
	days, err := number(f.DeadlineDays, "deadline_days", "the deadline")
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
		st := opening.Step{ID: sf.ID, Kind: sf.Kind, Title: sf.Title, Prompt: sf.Prompt, Multiple: sf.Multiple, ReviewersRate: sf.ReviewersRate}
		if st.Minutes, err = number(sf.Minutes, "minutes", label+"time estimate"); err != nil {
			return in, err
		}
		if st.MaxWords, err = number(sf.MaxWords, "max_words", label+"word limit"); err != nil {
			return in, err
		}
		if sf.Kind == opening.KindVideo {
			if err := sf.videoInput(&st, label); err != nil {
				return in, err
			}
		}
		if sf.Kind == opening.KindFile {
			r := opening.FileRules{Types: sf.FileTypes}
			if r.MaxFiles, err = number(sf.MaxFiles, "max_files", label+"number of files"); err != nil {
				return in, err
			}
			if r.MaxMB, err = number(sf.MaxMB, "max_mb", label+"file size"); err != nil {
				return in, err
			}
			st.Files = &r
		}
		if strings.TrimSpace(sf.Points) != "" {
			if st.Points, err = strconv.ParseFloat(strings.TrimSpace(sf.Points), 64); err != nil {
				return in, apperr.Invalid("points", "%spoints must be a number", label)
			}
		}
		for _, o := range sf.Options {
			if strings.TrimSpace(o.Text) == "" {
				continue // a blank row, or an option cleared to remove it
			}
			st.Options = append(st.Options, opening.Option{ID: o.ID, Text: o.Text, Correct: o.Correct})
		}
		steps = append(steps, st)
	}
	in.Steps = &steps
	return in, nil
}

// videoInput reads a video step's settings into st. Blank fields are 0,
// which the domain reads as "start when ready", its default length and
// one take.
func (sf stepForm) videoInput(st *opening.Step, label string) error {
	var err error
	if st.ThinkSeconds, err = number(sf.ThinkSeconds, "think_seconds", label+"think time"); err != nil {
		return err
	}
	if st.MaxSeconds, err = duration(sf.MaxLength, "max_length", label+"maximum length"); err != nil {
		return err
	}
	st.Retakes, err = number(sf.Retakes, "retakes", label+"number of retakes")
	return err
}

// duration reads a length typed as seconds ("90") or as minutes and
// seconds ("1:30"); blank is 0.
func duration(v, field, label string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	bad := apperr.Invalid(field, "%s must be minutes:seconds, such as 2:00, or a number of seconds, such as 90", label)
	mins, secs, colon := strings.Cut(v, ":")
	if !colon {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, bad
		}
		return n, nil
	}
	m, err1 := strconv.Atoi(mins)
	s, err2 := strconv.Atoi(secs)
	if err1 != nil || err2 != nil || m < 0 || m > 1000 || len(secs) != 2 || s < 0 || s > 59 {
		return 0, bad
	}
	return m*60 + s, nil
}

// clockText writes seconds as m:ss, the way the editor shows a length.
func clockText(seconds int) string {
	return fmt.Sprintf("%d:%02d", seconds/60, seconds%60)
}

// number reads a whole number; blank is 0.
func number(v, field, label string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, apperr.Invalid(field, "%s must be a whole number", label)
	}
	return n, nil
}

// interviewFormOf fills the editor from a saved interview.
func interviewFormOf(iv opening.Interview) interviewForm {
	f := interviewForm{ID: iv.ID, JobID: iv.JobID, Title: iv.Title, Intro: iv.Intro, DeadlineDays: strconv.Itoa(iv.DeadlineDays), Practice: iv.Practice}
	for _, st := range iv.Steps {
		sf := stepForm{ID: st.ID, Kind: st.Kind, Title: st.Title, Prompt: st.Prompt, Minutes: strconv.Itoa(st.Minutes), Multiple: st.Multiple,
			ReviewersRate: st.ReviewersRate}
		if st.MaxWords > 0 {
			sf.MaxWords = strconv.Itoa(st.MaxWords)
		}
		if st.Kind == opening.KindChoice || st.Kind == opening.KindCode {
			sf.Points = strconv.FormatFloat(st.Points, 'f', -1, 64)
		}
		if st.Kind == opening.KindVideo {
			sf.ThinkSeconds, sf.MaxLength, sf.Retakes = strconv.Itoa(st.ThinkSeconds), clockText(st.MaxSeconds), strconv.Itoa(st.Retakes)
			if st.Minutes == videoMinutes(st) {
				sf.Minutes = "" // worked out again when the settings change
			}
		}
		if st.Kind == opening.KindFile && st.Files != nil {
			sf.FileTypes, sf.MaxFiles, sf.MaxMB = st.Files.Types, strconv.Itoa(st.Files.MaxFiles), strconv.Itoa(st.Files.MaxMB)
		}
		for _, o := range st.Options {
			sf.Options = append(sf.Options, optionForm{ID: o.ID, Text: o.Text, Correct: o.Correct})
		}
		f.Steps = append(f.Steps, sf)
	}
	return f
}

// videoMinutes is the time estimate the domain works out for a video step
// saved without one (opening's normalizeVideo): think time and every
// take, plus a minute to settle in. The editor leaves an estimate equal to
// it blank, so that it follows changes to the step's settings.
func videoMinutes(st opening.Step) int {
	return (st.Takes()*(st.ThinkSeconds+st.MaxSeconds) + 60 + 59) / 60
}

// stepEdit is what a kind's editor fragments receive: the step's row in
// the form, the step, and the interview's id (0 before it is saved).
type stepEdit struct {
	I           int
	Step        stepForm
	InterviewID int64
}

// MinutesWorkedOut reports whether a blank time estimate is worked out
// from the step's settings (video steps).
func (sf stepForm) MinutesWorkedOut() bool { return sf.Kind == opening.KindVideo }

// FileTypeChoices are the types a file step may take, each marked when
// this step takes it.
func (sf stepForm) FileTypeChoices() []fileTypeChoice {
	out := make([]fileTypeChoice, len(filetype.All))
	for i, t := range filetype.All {
		out[i] = fileTypeChoice{Name: t.Name, Label: t.Label, Checked: slices.Contains(sf.FileTypes, t.Name)}
	}
	return out
}

type fileTypeChoice struct {
	Name, Label string
	Checked     bool
}

// newStep is an empty step block of a kind.
func newStep(kind opening.Kind) stepForm {
	st := stepForm{Kind: kind, Minutes: "5"}
	switch kind {
	case opening.KindChoice:
		st.Points, st.Minutes = "1", "2"
	case opening.KindCode:
		st.Points, st.Minutes = "10", "30"
	case opening.KindFile:
		st.Minutes, st.MaxFiles, st.MaxMB = "30", "1", strconv.Itoa(opening.DefaultFileMB)
		st.FileTypes = []string{"pdf"}
	case opening.KindVideo:
		// Half a minute to think, two minutes a take and one retake:
		// what most candidates need for a spoken answer.
		st.Minutes, st.ThinkSeconds, st.MaxLength, st.Retakes = "", "30", clockText(opening.DefaultMaxSeconds), "1"
	}
	return st
}

// prepare readies the form for display: positions numbered 1..n in their
// order, and blank option rows (two more than typed, at least four) for
// choice steps.
func (f *interviewForm) prepare() {
	for i := range f.Steps {
		st := &f.Steps[i]
		st.Position = strconv.Itoa(i + 1)
		if st.Kind != opening.KindChoice {
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

package takehomekind

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/editform"
	"github.com/anyhour/anyhour/internal/kinds/codekind"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/takehome"
)

// View adds the repository, its pushes and when it closes; until graded
// Max is the step's points.
func (Unit) View(v *appview.Step, p appview.Parts, forCandidate bool) {
	v.Max = v.Step.Points
	if r, ok := p.Repos[v.Step.ID]; ok {
		v.Repo = &r
		v.Pushes = p.Pushes[v.Step.ID]
		if v.Step.Takehome != nil && !p.Deadline.IsZero() {
			v.ClosesAt = takehome.Closes(p.Deadline, v.Step, r)
		}
	}
	if v.Answer.Score != nil {
		v.Score, v.Scored = *v.Answer.Score, true
		if v.Answer.MaxScore != nil {
			v.Max = *v.Answer.MaxScore
		}
	}
}

type settingsJSON struct {
	Points        float64           `json:"points"`
	Language      string            `json:"language"`
	StarterFiles  map[string]string `json:"starter_files"` // path → content
	Tests         testsJSON         `json:"tests"`
	Hours         float64           `json:"hours"`
	WindowHours   int               `json:"window_hours"` // 0: until the deadline
	Compensation  *compensationJSON `json:"compensation,omitempty"`
	MaxRepoMB     int               `json:"max_repo_mb"`
	MaxFileMB     int               `json:"max_file_mb"`
	ReviewersRate *bool             `json:"reviewers_rate,omitempty"` // the team's
}

type testsJSON struct {
	Visible map[string]string `json:"visible"`
	Hidden  map[string]string `json:"hidden,omitempty"` // the team's
}

type compensationJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
	Terms    string `json:"terms,omitempty"`
}

// SettingsJSON is the task; candidates never read the hidden tests.
func (Unit) SettingsJSON(st opening.Step, team bool) any {
	out := settingsJSON{Points: st.Points, StarterFiles: map[string]string{}, Tests: testsJSON{Visible: map[string]string{}}}
	if team {
		out.ReviewersRate = &st.ReviewersRate
	}
	t := st.Takehome
	if t == nil {
		return out
	}
	out.Language, out.Hours, out.WindowHours, out.MaxRepoMB, out.MaxFileMB = string(t.Language), t.Hours, t.WindowHours, t.MaxRepoMB, t.MaxFileMB
	for p, text := range t.Starter {
		out.StarterFiles[p] = text
	}
	for p, text := range t.Visible {
		out.Tests.Visible[p] = text
	}
	if team {
		out.Tests.Hidden = map[string]string{}
		for p, text := range t.Hidden {
			out.Tests.Hidden[p] = text
		}
	}
	if c := t.Compensation; c != nil {
		out.Compensation = &compensationJSON{Amount: c.Amount, Currency: c.Currency, Terms: c.Terms}
	}
	return out
}

// ReadSettings reads the task.
func (Unit) ReadSettings(st *opening.Step, decode func(any) error) error {
	var in settingsJSON
	if err := decode(&in); err != nil {
		return err
	}
	st.Points = in.Points
	st.ReviewersRate = in.ReviewersRate != nil && *in.ReviewersRate
	st.Takehome = &opening.TakehomeTask{Language: opening.Language(in.Language), Starter: in.StarterFiles,
		Visible: in.Tests.Visible, Hidden: in.Tests.Hidden, Hours: in.Hours, WindowHours: in.WindowHours,
		MaxRepoMB: in.MaxRepoMB, MaxFileMB: in.MaxFileMB}
	if c := in.Compensation; c != nil {
		st.Takehome.Compensation = &opening.Compensation{Amount: c.Amount, Currency: c.Currency, Terms: c.Terms}
	}
	return nil
}

type answerJSON struct {
	Takehome *repoJSON `json:"takehome"` // null until the candidate starts
}

type repoJSON struct {
	CloneURL  string     `json:"clone_url"`
	Username  string     `json:"username"`
	StartedAt string     `json:"started_at"`
	ClosesAt  string     `json:"closes_at"`
	Commit    string     `json:"commit"` // the last pushed, or the starter's
	Pushes    []pushJSON `json:"pushes"`
	Paid      *paidJSON  `json:"paid,omitempty"` // the team's record of paying the compensation
}

type paidJSON struct {
	On        string `json:"on"` // YYYY-MM-DD
	Reference string `json:"reference"`
}

type pushJSON struct {
	Commit   string      `json:"commit"`
	Message  string      `json:"message"`
	Via      string      `json:"via"` // git, or zip for work uploaded in the browser
	PushedAt string      `json:"pushed_at"`
	Grading  gradingJSON `json:"grading"`
}

// gradingJSON is a push's grading: the hidden tests, which score (named
// for the team only), and the repository's own tests, worth nothing.
type gradingJSON struct {
	Status       string              `json:"status"`
	Score        *float64            `json:"score"`
	MaxScore     *float64            `json:"max_score"`
	Tests        []codekind.TestJSON `json:"tests"`
	Checks       []codekind.TestJSON `json:"checks"`
	CompileError string              `json:"compile_error,omitempty"`
	Error        string              `json:"error,omitempty"`
	DurationMS   int64               `json:"duration_ms"`
	MemoryBytes  int64               `json:"memory_bytes"`
	Logs         string              `json:"logs,omitempty"`     // the team's only
	Warnings     []string            `json:"warnings,omitempty"` // the team's only
}

func newGradingJSON(g takehome.Grading) gradingJSON {
	return gradingJSON{Status: g.Status, Score: g.Score, MaxScore: g.MaxScore, Tests: codekind.NewTestsJSON(g.Tests),
		Checks: codekind.NewTestsJSON(g.Checks), CompileError: g.CompileError, Error: g.Error, DurationMS: g.WallMS,
		MemoryBytes: g.MaxRSSBytes, Logs: g.Logs, Warnings: g.Warnings}
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// AnswerJSON is the repository and its pushes.
func (Unit) AnswerJSON(v appview.Step, base string, team bool) any {
	var out answerJSON
	if r := v.Repo; r != nil {
		out.Takehome = &repoJSON{CloneURL: fmt.Sprintf("%s/git/%s", base, r.Path()), Username: r.Username,
			StartedAt: ts(r.StartedAt), ClosesAt: ts(v.ClosesAt), Commit: r.Head, Pushes: []pushJSON{}}
		if team && r.PaidOn != "" {
			out.Takehome.Paid = &paidJSON{On: r.PaidOn, Reference: r.PaidReference}
		}
		for _, p := range v.Pushes {
			out.Takehome.Pushes = append(out.Takehome.Pushes, pushJSON{Commit: p.Commit, Message: p.Message, Via: p.Via, PushedAt: ts(p.PushedAt),
				Grading: newGradingJSON(p.Grading)})
		}
	}
	return out
}

// NewStep is four hours of Python work worth ten points, the example's
// (Example), until the team writes their own on the step's page.
func (Unit) NewStep() opening.Step {
	t := Example(opening.Python)
	return opening.Step{Kind: opening.KindTakehome, Minutes: 240, Points: 10, Takehome: &t}
}

// EditorFields are the language, effort, window, points, limits and
// compensation.
func (Unit) EditorFields(st opening.Step) url.Values {
	v := url.Values{"points": {editform.Number(st.Points)}}
	if st.ReviewersRate {
		v.Set("reviewers_rate", "1")
	}
	if t := st.Takehome; t != nil {
		v.Set("language", string(t.Language))
		v.Set("hours", editform.Number(t.Hours))
		if t.WindowHours > 0 {
			v.Set("window_hours", strconv.Itoa(t.WindowHours))
		}
		if c := t.Compensation; c != nil {
			v.Set("pay_amount", c.Amount)
			v.Set("pay_currency", c.Currency)
			v.Set("pay_terms", c.Terms)
		}
	}
	return v
}

// ReadEditor reads them, and keeps the starter and tests as saved.
func (Unit) ReadEditor(st *opening.Step, saved *opening.Step, f editform.Fields) (err error) {
	t := &opening.TakehomeTask{}
	if saved != nil && saved.Takehome != nil {
		c := *saved.Takehome
		t = &c
	} else if st.Takehome != nil {
		c := *st.Takehome
		t = &c
	}
	lang := opening.Language(f.Get("language"))
	if (t.Starter == nil || isExample(t)) && lang != t.Language {
		// Still the example: the example in the language chosen.
		e := Example(lang)
		t.Starter, t.Visible, t.Hidden = e.Starter, e.Visible, e.Hidden
	}
	t.Language = lang
	st.ReviewersRate = f.Checked("reviewers_rate")
	if st.Points, err = f.Float("points", "points"); err != nil {
		return err
	}
	if t.Hours, err = f.Float("hours", "hours of work"); err != nil {
		return err
	}
	if t.WindowHours, err = f.Int("window_hours", "window"); err != nil {
		return err
	}
	t.Compensation = nil
	if amount := strings.TrimSpace(f.Get("pay_amount")); amount != "" {
		t.Compensation = &opening.Compensation{Amount: amount, Currency: f.Get("pay_currency"), Terms: f.Get("pay_terms")}
	}
	st.Takehome = t
	return nil
}

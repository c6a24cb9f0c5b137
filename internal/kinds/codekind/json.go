package codekind

import (
	"fmt"
	"net/url"
	"time"

	"github.com/anyhour/anyhour/internal/activity"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/opening"
)

type settingsJSON struct {
	Points        float64                  `json:"points"`
	Languages     []string                 `json:"languages"`
	Starter       map[string]string        `json:"starter"` // language → source
	Tests         map[string]codeTestsJSON `json:"tests"`   // language → tests
	IOCases       []ioCaseJSON             `json:"io_cases"`
	TimeLimitMS   int                      `json:"time_limit_ms"`
	MemoryMB      int                      `json:"memory_mb"`
	ReviewersRate *bool                    `json:"reviewers_rate,omitempty"` // the team's
}

type codeTestsJSON struct {
	Visible string `json:"visible"`
	Hidden  string `json:"hidden"`
}

type ioCaseJSON struct {
	Name   string  `json:"name"`
	Stdin  string  `json:"stdin"`
	Stdout string  `json:"stdout"`
	Hidden bool    `json:"hidden"`
	Points float64 `json:"points"`
}

// SettingsJSON is the task. Candidates (team false) get the visible
// tests and cases only: hidden tests' code and cases never reach them.
// The team's reference solutions are not part of it.
func (Unit) SettingsJSON(st opening.Step, team bool) any {
	out := settingsJSON{Points: st.Points, Languages: []string{}, Starter: map[string]string{},
		Tests: map[string]codeTestsJSON{}, IOCases: []ioCaseJSON{}}
	if team {
		out.ReviewersRate = &st.ReviewersRate
	}
	c := st.Code
	if c == nil {
		return out
	}
	for _, l := range c.Languages {
		out.Languages = append(out.Languages, string(l))
	}
	for l, src := range c.Starter {
		out.Starter[string(l)] = src
	}
	for l, t := range c.Tests {
		if !team {
			t.Hidden = ""
		}
		out.Tests[string(l)] = codeTestsJSON{Visible: t.Visible, Hidden: t.Hidden}
	}
	for _, io := range c.IOCases {
		if io.Hidden && !team {
			continue
		}
		out.IOCases = append(out.IOCases, ioCaseJSON{Name: io.Name, Stdin: io.Stdin, Stdout: io.Stdout, Hidden: io.Hidden, Points: io.Points})
	}
	out.TimeLimitMS, out.MemoryMB = c.TimeLimitMS, c.MemoryMB
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
	c := &opening.CodeTask{TimeLimitMS: in.TimeLimitMS, MemoryMB: in.MemoryMB}
	for _, l := range in.Languages {
		c.Languages = append(c.Languages, opening.Language(l))
	}
	if in.Starter != nil {
		c.Starter = map[opening.Language]string{}
		for l, src := range in.Starter {
			c.Starter[opening.Language(l)] = src
		}
	}
	if in.Tests != nil {
		c.Tests = map[opening.Language]opening.CodeTests{}
		for l, t := range in.Tests {
			c.Tests[opening.Language(l)] = opening.CodeTests{Visible: t.Visible, Hidden: t.Hidden}
		}
	}
	for _, io := range in.IOCases {
		c.IOCases = append(c.IOCases, opening.IOCase{Name: io.Name, Stdin: io.Stdin, Stdout: io.Stdout, Hidden: io.Hidden, Points: io.Points})
	}
	st.Code = c
	return nil
}

type answerJSON struct {
	Language string       `json:"language"`
	Code     string       `json:"code"`
	Grading  *GradingJSON `json:"grading,omitempty"` // the latest grading, once queued
	// What the editor recorded as the code was written (package
	// activity): its pastes, leaving and coming back, language switches;
	// the seconds spent typing; and, for the team, where the whole record
	// is, to replay.
	Events        []eventJSON `json:"events"`
	TypingSeconds int64       `json:"typing_seconds"`
	PlaybackURL   string      `json:"playback_url,omitempty"`
}

type eventJSON struct {
	Kind      string `json:"kind"` // paste, drop, leave, return, language
	At        string `json:"at"`
	Length    int    `json:"length,omitempty"`     // paste, drop: characters
	FirstLine string `json:"first_line,omitempty"` // paste, drop: the first line not blank
	Language  string `json:"language,omitempty"`   // language
}

// AnswerJSON is the code, its latest grading and what the editor
// recorded, as the reader may see them.
func (Unit) AnswerJSON(v appview.Step, base string, team bool) any {
	out := answerJSON{Language: string(v.Answer.Language), Code: v.Answer.Code, Events: []eventJSON{}}
	if v.Grading != nil {
		g := NewGradingJSON(*v.Grading)
		out.Grading = &g
	}
	if a := v.Activity; a != nil {
		for _, e := range a.Events {
			if e.Kind == activity.Open {
				continue // the record's sessions say it
			}
			ej := eventJSON{Kind: e.Kind, At: e.At.UTC().Format(time.RFC3339Nano)}
			if e.Kind == activity.Language {
				ej.Language = e.Detail
			} else {
				ej.Length, ej.FirstLine = e.Length, e.Detail
			}
			out.Events = append(out.Events, ej)
		}
		out.TypingSeconds = int64(a.Typing.Seconds())
		if team {
			out.PlaybackURL = fmt.Sprintf("%s/api/v1/applications/%d/steps/%d/playback", base, a.ApplicationID, v.Step.ID)
		}
	}
	return out
}

// FormAnswer reads the language and code from the step page.
func (Unit) FormAnswer(st opening.Step, form url.Values) (application.AnswerInput, application.Answer, error) {
	lang, code := form.Get("language"), form.Get("code")
	typed := application.Answer{StepID: st.ID, Language: opening.Language(lang), Code: code}
	return application.AnswerInput{Language: &lang, Code: &code}, typed, nil
}

// GradingJSON is a code answer's grading in the API (docs/contracts.md).
type GradingJSON struct {
	Status       string     `json:"status"`
	Score        *float64   `json:"score"`
	MaxScore     *float64   `json:"max_score"`
	Tests        []TestJSON `json:"tests"`
	CompileError string     `json:"compile_error,omitempty"`
	Error        string     `json:"error,omitempty"`
	DurationMS   int64      `json:"duration_ms"`
	MemoryBytes  int64      `json:"memory_bytes"`
	Logs         string     `json:"logs,omitempty"`     // the team's only
	Warnings     []string   `json:"warnings,omitempty"` // the team's only
	UpdatedAt    string     `json:"updated_at"`
}

// TestJSON is one test's result.
type TestJSON struct {
	Name       string  `json:"name"`
	Passed     bool    `json:"passed"`
	Hidden     bool    `json:"hidden"`
	Points     float64 `json:"points"`
	Message    string  `json:"message"`
	DurationMS int64   `json:"duration_ms"`
}

// NewTestsJSON is tests' results for the API, never null.
func NewTestsJSON(ts []grader.Test) []TestJSON {
	out := []TestJSON{}
	for _, t := range ts {
		out = append(out, TestJSON{Name: t.Name, Passed: t.Passed, Hidden: t.Hidden, Points: t.Points, Message: t.Message, DurationMS: t.DurationMS})
	}
	return out
}

// NewGradingJSON is g for the API.
func NewGradingJSON(g grading.Grading) GradingJSON {
	return GradingJSON{Status: string(g.Status), Score: g.Score, MaxScore: g.MaxScore, Tests: NewTestsJSON(g.Tests),
		CompileError: g.CompileError, Error: g.Error, DurationMS: g.WallMS, MemoryBytes: g.MaxRSSBytes, Logs: g.Logs,
		Warnings: g.Warnings, UpdatedAt: g.UpdatedAt.UTC().Format(time.RFC3339)}
}

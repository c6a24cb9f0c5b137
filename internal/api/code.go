package api

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/kinds/codekind"
)

type runInput struct {
	StepID   int64  `json:"step_id"`
	Language string `json:"language"`
	Code     string `json:"code"`
}

type runJSON struct {
	Tests        []codekind.TestJSON `json:"tests"`
	CompileError string              `json:"compile_error,omitempty"`
	Output       string              `json:"output,omitempty"` // what the code printed, capped
	TimedOut     bool                `json:"timed_out"`
	DurationMS   int64               `json:"duration_ms"`
}

// runCode answers POST /api/v1/candidate/runs: the code run against the
// step's visible tests and cases, not saved. One at a time, and a few a
// minute.
func (s *Server) runCode(w http.ResponseWriter, r *http.Request, a application.Application) error {
	var in runInput
	if err := httpx.DecodeJSON(w, r, &in, maxCodeBody); err != nil {
		return err
	}
	out, err := s.Gradings.Run(r.Context(), a, in.StepID, in.Language, in.Code)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, runJSON{Tests: codekind.NewTestsJSON(out.Tests), CompileError: out.CompileError, Output: out.Logs,
		TimedOut: out.TimedOut, DurationMS: out.Wall.Milliseconds()})
	return nil
}

// regrade answers POST /api/v1/applications/{id}/regrade: every code
// answer of the application is graded again, with the tests as they are
// now.
func (s *Server) regrade(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	if _, err := s.Applications.Application(r.Context(), m, id); err != nil {
		return err
	}
	n, err := s.Gradings.Regrade(r.Context(), m, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusAccepted, map[string]int{"queued": n})
	return nil
}

// checkInput is a reference solution to try against a coding step.
type checkInput struct {
	Language string `json:"language"`
	Code     string `json:"code"`
}

type checkJSON struct {
	Checked      bool                `json:"checked"`
	Tests        []codekind.TestJSON `json:"tests"`
	CompileError string              `json:"compile_error,omitempty"`
	TimedOut     bool                `json:"timed_out"`
	Score        float64             `json:"score"`
	MaxScore     float64             `json:"max_score"`
	Unready      []string            `json:"unready"`
}

// checkStep answers POST /api/v1/interviews/{id}/steps/{step}/check: a
// reference solution run against every test of a saved coding step,
// hidden ones included. When it passes them all, the step's tests are
// checked in its language, as the coding task's page records them: a
// coding step goes to candidates only so.
func (s *Server) checkStep(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, stepID, err := pathStep(r, "interview")
	if err != nil {
		return err
	}
	var in checkInput
	if err := httpx.DecodeJSON(w, r, &in, maxCodeBody); err != nil {
		return err
	}
	out, checked, err := s.Gradings.Check(r.Context(), m, id, stepID, in.Language, in.Code)
	if err != nil {
		return err
	}
	iv, err := s.Openings.Interview(r.Context(), m, id)
	if err != nil {
		return err
	}
	res := checkJSON{Checked: checked, Tests: codekind.NewTestsJSON(out.Tests), CompileError: out.CompileError, TimedOut: out.TimedOut, Unready: iv.Unready()}
	res.Score, res.MaxScore = out.Score()
	if res.Unready == nil {
		res.Unready = []string{}
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}

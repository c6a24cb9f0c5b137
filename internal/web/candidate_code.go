package web

import (
	"io"
	"net/http"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

// runCandidateCode runs the code in the form against the step's visible
// tests and shows the results on the step page, without saving it.
func (s *Server) runCandidateCode(w http.ResponseWriter, r *http.Request, a application.Application) error {
	v, row, i, err := s.stepForm(r, a)
	if err != nil {
		return err
	}
	d := v.stepPage(row, i)
	d.Draft = r.PostForm.Get("code")
	out, err := s.Gradings.Run(r.Context(), a, row.Step.ID, r.PostForm.Get("language"), d.Draft)
	status := http.StatusOK
	if err != nil {
		msg, ferr := formError(err)
		if ferr != nil {
			return ferr
		}
		status, _ = httpx.Status(err)
		d.RunError = sentence(msg)
	} else {
		d.Run = &out
	}
	if r.Header.Get("X-Anyhour-Fragment") == "run" {
		s.renderFragment(w, status, "candidate_step", "code-run-result", d)
		return nil
	}
	s.render(w, r, status, "candidate_step", d.page())
	return nil
}

// showCandidateGrading is the saved code's grading alone, for the editor
// to show in place when a grading finishes.
func (s *Server) showCandidateGrading(w http.ResponseWriter, r *http.Request, a application.Application) error {
	v, err := s.loadCandidate(r.Context(), a)
	if err != nil {
		return err
	}
	row, i, ok := candidateStep(v, r)
	if !ok || row.Step.Kind != opening.KindCode {
		return apperr.NotFound("coding step")
	}
	w.Header().Set("Cache-Control", "no-store")
	s.renderFragment(w, http.StatusOK, "candidate_step", "code-grading-box", v.stepPage(row, i))
	return nil
}

// autosaved answers the editor's autosave: a line to show, and a status.
func autosaved(w http.ResponseWriter, status int, line string) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := io.WriteString(w, line)
	return err
}

// passed counts the tests that passed.
func passed(tests []grader.Test) int {
	n := 0
	for _, t := range tests {
		if t.Passed {
			n++
		}
	}
	return n
}

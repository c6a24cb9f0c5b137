package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

// This file is a take-home step on the candidate's side: starting it
// (which makes their repository) and getting a new password, shown once.

// startCandidateTakehome is POST /candidate/{app}/steps/{step}/takehome:
// the repository is made if it is not yet, with a new password, which the
// page shows this once; a password given before stops working.
func (s *Server) startCandidateTakehome(w http.ResponseWriter, r *http.Request, a application.Application) error {
	v, err := s.loadCandidate(r.Context(), a)
	if err != nil {
		return err
	}
	row, _, ok := candidateStep(v, r)
	if !ok || row.Step.Kind != opening.KindTakehome {
		return apperr.NotFound("step")
	}
	creds, err := s.Takehomes.Start(r.Context(), a, row.Step.ID)
	if v, err2 := s.loadCandidate(r.Context(), a); err2 == nil {
		row, i, _ := candidateStep(v, r)
		d := v.stepPage(row, i)
		if err != nil {
			msg, ferr := formError(err)
			if ferr != nil {
				return ferr
			}
			status, _ := httpx.Status(err)
			s.render(w, r, status, "candidate_step", d.withError(sentence(msg)))
			return nil
		}
		d.Credentials = &creds
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, http.StatusOK, "candidate_step", d.page())
		return nil
	} else if err == nil {
		err = err2
	}
	return err
}

// TakehomeHours is the effort the team expects, for people: "3 hours",
// "90 minutes".
func (r candidateStepRow) TakehomeHours() string {
	h := r.Step.Takehome.Hours
	if h < 1 {
		return fmt.Sprintf("%d minutes", int(h*60+0.5))
	}
	if h == float64(int(h)) {
		return fmt.Sprintf("%d %s", int(h), plural(int(h), "hour", "hours"))
	}
	return fmt.Sprintf("%g hours", h)
}

// TakehomeOpen reports whether the repository still takes pushes.
func (r candidateStepRow) TakehomeOpen(now time.Time) bool {
	return r.Repo != nil && now.Before(r.ClosesAt)
}

// RepoDir is the directory git clone makes: the step's id, so that it
// never clashes with the candidate's own.
func (r candidateStepRow) RepoDir() string { return fmt.Sprintf("takehome-%d", r.Step.ID) }

// ShortCommit is a commit's first twelve characters, as git shows them.
func ShortCommit(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

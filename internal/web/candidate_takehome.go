package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/takehome"
)

// This file is a take-home step on the candidate's side: starting it
// (which makes their repository) and getting a new password, shown once.

// takehomeRow loads the candidate's view and the take-home step the
// address names.
func (s *Server) takehomeRow(r *http.Request, a application.Application) (candidateView, candidateStepRow, error) {
	v, err := s.loadCandidate(r.Context(), a)
	if err != nil {
		return v, candidateStepRow{}, err
	}
	row, _, ok := candidateStep(v, r)
	if !ok || row.Step.Kind != opening.KindTakehome {
		return v, row, apperr.NotFound("step")
	}
	return v, row, nil
}

// startCandidateTakehome is POST /candidate/{app}/steps/{step}/takehome:
// the repository is made if it is not yet, with a new password, which the
// page shows this once; a password given before stops working.
func (s *Server) startCandidateTakehome(w http.ResponseWriter, r *http.Request, a application.Application) error {
	_, row, err := s.takehomeRow(r, a)
	if err != nil {
		return err
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

// serveCandidateTakehomeZip is GET /candidate/{app}/steps/{step}/takehome.zip:
// the candidate's repository at its last commit (or ?commit=), or before
// they start, the starter, which reading does not start the window.
func (s *Server) serveCandidateTakehomeZip(w http.ResponseWriter, r *http.Request, a application.Application) error {
	_, row, err := s.takehomeRow(r, a)
	if err != nil {
		return err
	}
	dir := row.RepoDir()
	var buf bytes.Buffer
	if row.Repo == nil {
		err = takehome.WriteStarterZip(row.Step, dir, &buf)
	} else {
		err = s.Takehomes.WriteZip(r.Context(), *row.Repo, r.URL.Query().Get("commit"), dir, &buf)
	}
	if err != nil {
		return err
	}
	serveZip(w, dir, buf.Bytes())
	return nil
}

// serveZip sends a zip as a download.
func serveZip(w http.ResponseWriter, name string, data []byte) {
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.zip"`, name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(data)
}

// maxZipUpload bounds an uploaded zip of work.
const maxZipUpload = (opening.MaxRepoMB + 1) << 20

// uploadCandidateTakehome is POST /candidate/{app}/steps/{step}/takehome/upload:
// a zip of the candidate's work becomes their next commit, graded as a
// push is. Work handed in before stays whatever becomes of this one.
func (s *Server) uploadCandidateTakehome(w http.ResponseWriter, r *http.Request, a application.Application) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxZipUpload)
	var name string
	var data []byte
	err := r.ParseMultipartForm(1 << 20)
	if err == nil {
		f, h, ferr := r.FormFile("work")
		if ferr != nil {
			err = apperr.Invalid("work", "choose a zip file of your work")
		} else {
			defer f.Close()
			name = h.Filename
			data, err = io.ReadAll(f)
		}
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = apperr.New(apperr.ErrTooLarge, "the zip is larger than %d MB", maxZipUpload>>20)
	}
	_, row, verr := s.takehomeRow(r, a)
	if verr != nil {
		return verr
	}
	var p *takehome.Push
	if err == nil {
		p, err = s.Takehomes.Upload(r.Context(), a, row.Step.ID, name, data)
	}
	if err != nil {
		msg, ferr := formError(err)
		if ferr != nil {
			return ferr
		}
		status, _ := httpx.Status(err)
		v, verr := s.loadCandidate(r.Context(), a)
		if verr != nil {
			return verr
		}
		row, i, _ := candidateStep(v, r)
		s.render(w, r, status, "candidate_step", v.stepPage(row, i).withError("Your zip was not taken: "+sentence(msg)))
		return nil
	}
	flash := "Your zip is in: nothing changed since the last commit."
	if p != nil {
		flash = fmt.Sprintf("Your zip is in, as commit %s, and is being graded.", ShortCommit(p.Commit))
	}
	s.setFlash(w, flash)
	return redirect(w, r, row.URL)
}

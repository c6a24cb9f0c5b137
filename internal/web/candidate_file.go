package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/filestep"
	"github.com/anyhour/anyhour/internal/filetype"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

// This file is a file step on the candidate's side: the form that adds
// files (read part by part, never held whole in memory, each through the
// same checks as an upload over tus), removing one, and downloading
// one's own; and the team's download.

// FileAccept is the accept attribute of a file step's input.
func (r candidateStepRow) FileAccept() string { return filetype.Accept(r.Step.Files.Types) }

// FileTypes names the types a file step takes, for people.
func (r candidateStepRow) FileTypes() string {
	if len(r.Step.Files.Types) == 0 {
		return "Any of " + filetype.Labels(nil)
	}
	return filetype.Labels(r.Step.Files.Types)
}

// FilesLeft is how many more files the step takes.
func (r candidateStepRow) FilesLeft() int { return max(r.Step.Files.MaxFiles-len(r.Files), 0) }

// addCandidateFiles is POST /candidate/{app}/steps/{step}/files: the files
// chosen in the form join the answer. Files already there stay whatever
// happens to these.
func (s *Server) addCandidateFiles(w http.ResponseWriter, r *http.Request, a application.Application) error {
	v, err := s.loadCandidate(r.Context(), a)
	if err != nil {
		return err
	}
	row, i, ok := candidateStep(v, r)
	if !ok || row.Step.Kind != opening.KindFile {
		return apperr.NotFound("step")
	}
	rules := *row.Step.Files
	r.Body = http.MaxBytesReader(w, r.Body, int64(rules.MaxFiles)*(rules.MaxBytes()+1<<20))
	added, err := s.readFileParts(r, a, row.Step.ID)
	if err != nil {
		msg, ferr := formError(err)
		if ferr != nil {
			return ferr
		}
		status, _ := httpx.Status(err)
		if v, err = s.loadCandidate(r.Context(), a); err != nil {
			return err
		}
		p := v.stepPage(v.Steps()[i], i).withError(sentence(msg))
		if len(added) > 0 {
			p.Flash = fmt.Sprintf("Uploaded %s.", quoteNames(added))
		}
		s.render(w, r, status, "candidate_step", p)
		return nil
	}
	if len(added) == 0 {
		s.setFlash(w, "Choose a file to upload first.")
	} else {
		what := "It is saved; you can remove it"
		if len(added) > 1 {
			what = "They are saved; you can remove them"
		}
		s.setFlash(w, fmt.Sprintf("Uploaded %s. %s until you submit.", quoteNames(added), what))
	}
	return redirect(w, r, row.URL)
}

// readFileParts adds each file part of a multipart form, in order, and
// returns the names of those added before any error.
func (s *Server) readFileParts(r *http.Request, a application.Application, stepID int64) ([]string, error) {
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ctype != "multipart/form-data" {
		return nil, apperr.Invalid("files", "the form could not be read; please choose the files again")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, apperr.Invalid("files", "the form could not be read; please choose the files again")
	}
	var added []string
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return added, nil
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return added, apperr.New(apperr.ErrTooLarge, "the files are larger than this step allows")
		}
		if err != nil {
			return added, apperr.Invalid("files", "the upload was cut off; please try again")
		}
		name := part.FileName()
		if part.FormName() != "files" || name == "" {
			part.Close()
			continue // the empty input of a form sent without a file
		}
		_, err = s.Files.Add(r.Context(), a, stepID, name, part)
		part.Close()
		var classified *apperr.Error
		switch {
		case errors.As(err, &tooBig):
			return added, apperr.New(apperr.ErrTooLarge, "the files are larger than this step allows")
		case errors.Is(err, io.ErrUnexpectedEOF) && !errors.As(err, &classified):
			// The body ended early: the form was cut off mid-file.
			return added, apperr.Invalid("files", "the upload of %s was cut off; please try again", name)
		case err != nil:
			return added, fmt.Errorf("%s: %w", name, err)
		}
		added = append(added, name)
	}
}

func quoteNames(names []string) string {
	out := ""
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			out += " and "
		default:
			out += ", "
		}
		out += "“" + n + "”"
	}
	return out
}

// removeCandidateFile is POST /candidate/{app}/answer-files/{id}/remove.
func (s *Server) removeCandidateFile(w http.ResponseWriter, r *http.Request, a application.Application) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read; please try again")
	}
	back := r.PostForm.Get("step")
	if err := s.Files.Remove(r.Context(), a, id); err != nil {
		msg, ferr := formError(err)
		if ferr != nil {
			return ferr
		}
		s.setFlash(w, "The file was not removed: "+sentence(msg))
	} else {
		s.setFlash(w, "File removed.")
	}
	if _, err := strconv.ParseInt(back, 10, 64); err != nil {
		return redirect(w, r, candidatePath(a.ID))
	}
	return redirect(w, r, fmt.Sprintf("%s/steps/%s", candidatePath(a.ID), back))
}

// serveCandidateAnswerFile is GET /candidate/{app}/answer-files/{id}: the
// candidate's own file.
func (s *Server) serveCandidateAnswerFile(w http.ResponseWriter, r *http.Request, a application.Application) error {
	return s.serveAnswerFile(w, r, filestep.Reader{Application: &a})
}

// serveTeamAnswerFile is GET /answer-files/{id}: a file of a submitted
// application of the member's organisation.
func (s *Server) serveTeamAnswerFile(w http.ResponseWriter, r *http.Request, m account.Member) error {
	return s.serveAnswerFile(w, r, filestep.Reader{Member: &m})
}

func (s *Server) serveAnswerFile(w http.ResponseWriter, r *http.Request, who filestep.Reader) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	obj, f, err := s.Files.Open(r.Context(), who, id)
	if err != nil {
		return err
	}
	defer obj.Close()
	t := f.FileType()
	httpx.ServeFile(w, r, obj, f.Name, t.ContentType, r.URL.Query().Get("inline") != "" && t.Preview != "")
	return nil
}

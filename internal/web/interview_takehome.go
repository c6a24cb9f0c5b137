package web

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/takehome"
)

// This file is a take-home step's own page in the editor: its starter,
// visible tests and hidden tests, each replaced by a zip or a gzipped tar
// of text files.

type takehomeTaskPage struct {
	Interview opening.Interview
	Step      opening.Step
	Sets      []takehomeSet
	// Editing is the file open in the editor ("set:path"), and Text what
	// it holds; a new file has an empty path.
	Editing, Text string
	// TemplateURL is where git finds the step's files.
	TemplateURL string
}

// Base is the page's address.
func (d takehomeTaskPage) Base() string {
	return fmt.Sprintf("/interviews/%d/steps/%d/takehome", d.Interview.ID, d.Step.ID)
}

type takehomeSet struct {
	Name, Label, Hint string
	Files             []takehomeFile
}

type takehomeFile struct {
	Path  string
	Bytes int64
}

func takehomeSets(t *opening.TakehomeTask) []takehomeSet {
	list := func(files map[string]string) []takehomeFile {
		var out []takehomeFile
		for _, p := range opening.Paths(files) {
			out = append(out, takehomeFile{Path: p, Bytes: int64(len(files[p]))})
		}
		return out
	}
	return []takehomeSet{
		{Name: "starter", Label: "Starter", Hint: "The files the candidate's repository starts with.", Files: list(t.Starter)},
		{Name: "visible", Label: "Visible tests", Hint: "Committed with the starter; the candidate runs them, and so does each grading, as the candidate's own checks worth no points.", Files: list(t.Visible)},
		{Name: "hidden", Label: "Hidden tests", Hint: "Added only when grading, never to the candidate's repository; the points come from them alone.", Files: list(t.Hidden)},
	}
}

// takehomeStep finds the take-home step the address names, for a member
// who edits interviews.
func (s *Server) takehomeStep(r *http.Request, m account.Member) (opening.Interview, int, error) {
	iv, i, err := s.stepOfKind(r, m, opening.KindTakehome, "edit take-homes", "take-home")
	if err == nil && iv.Steps[i].Takehome == nil {
		err = apperr.NotFound("take-home")
	}
	return iv, i, err
}

// showTakehomeTask is GET /interviews/{id}/steps/{step}/takehome.
func (s *Server) showTakehomeTask(w http.ResponseWriter, r *http.Request, m account.Member) error {
	iv, i, err := s.takehomeStep(r, m)
	if err != nil {
		return err
	}
	s.renderTakehomeTask(w, r, m, http.StatusOK, iv, i, "")
	return nil
}

func (s *Server) renderTakehomeTask(w http.ResponseWriter, r *http.Request, m account.Member, status int, iv opening.Interview, i int, msg string) {
	st := iv.Steps[i]
	d := takehomeTaskPage{Interview: iv, Step: st, Sets: takehomeSets(st.Takehome), Editing: r.FormValue("edit"),
		TemplateURL: fmt.Sprintf("%s/git/template/%d.git", strings.TrimSuffix(s.cfg.BaseURL, "/"), st.ID)}
	if set, path, ok := strings.Cut(d.Editing, ":"); ok {
		if files, ok := filesOf(st.Takehome, set); ok {
			d.Text = (*files)[path]
		}
		if r.Method == http.MethodPost {
			d.Text = r.PostFormValue("text") // what was typed, kept when refused
		}
	}
	p := s.teamPage(r.Context(), m, "jobs", st.Title, d)
	p.Error = msg
	s.render(w, r, status, "interview_takehome", p)
}

// saveTakehomeTask is POST /interviews/{id}/steps/{step}/takehome: a zip
// replaces the starter, the visible or the hidden tests, checked as the
// whole step is (a hidden test also in the starter is refused).
func (s *Server) saveTakehomeTask(w http.ResponseWriter, r *http.Request, m account.Member) error {
	r.Body = http.MaxBytesReader(w, r.Body, opening.MaxStarterBytes+1<<20)
	iv, i, err := s.takehomeStep(r, m)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return s.editTakehomeFile(w, r, m, iv, i)
	}
	var files map[string]string
	set := ""
	err = r.ParseMultipartForm(1 << 20)
	if err == nil {
		set = r.PostFormValue("set")
		f, _, ferr := r.FormFile("archive")
		if ferr != nil {
			err = apperr.Invalid("archive", "choose a zip or a .tar.gz file")
		} else {
			defer f.Close()
			var data []byte
			if data, err = io.ReadAll(f); err == nil {
				files, err = takehome.TextFilesFromArchive(data, opening.MaxStarterBytes)
			}
		}
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = apperr.New(apperr.ErrTooLarge, "the archive is larger than %d MB", opening.MaxStarterBytes>>20)
	}
	if err != nil {
		return s.takehomeProblem(w, r, m, iv, i, err)
	}
	return s.saveTakehomeSet(w, r, m, iv, i, set, func(map[string]string) (map[string]string, string, error) {
		return files, fmt.Sprintf("Saved: %d %s.", len(files), plural(len(files), "file", "files")), nil
	})
}

// saveTakehomeSet replaces one set of the step's files (starter, visible,
// hidden) with what change makes of a copy of them, saves the step through
// the interview so that every rule of it holds, and goes back to the page
// with change's flash; a refusal is shown on the page, nothing changed.
func (s *Server) saveTakehomeSet(w http.ResponseWriter, r *http.Request, m account.Member, iv opening.Interview, i int, set string,
	change func(map[string]string) (map[string]string, string, error)) error {
	steps := append([]opening.Step(nil), iv.Steps...)
	t := *steps[i].Takehome
	files, ok := filesOf(&t, set)
	if !ok {
		return s.takehomeProblem(w, r, m, iv, i, apperr.Invalid("set", "say whether the files are the starter, the visible or the hidden tests"))
	}
	next, flash, err := change(maps.Clone(*files))
	if err == nil {
		*files = next
		steps[i].Takehome = &t
		_, err = s.Openings.UpdateInterview(r.Context(), m, iv.ID, opening.InterviewInput{Steps: &steps})
	}
	if err != nil {
		return s.takehomeProblem(w, r, m, iv, i, err)
	}
	s.setFlash(w, flash)
	return redirect(w, r, fmt.Sprintf("/interviews/%d/steps/%d/takehome", iv.ID, iv.Steps[i].ID))
}

// takehomeProblem shows the page again with why err refused the change.
func (s *Server) takehomeProblem(w http.ResponseWriter, r *http.Request, m account.Member, iv opening.Interview, i int, err error) error {
	msg, status, ferr := formProblem(err)
	if ferr != nil {
		return ferr
	}
	s.renderTakehomeTask(w, r, m, status, iv, i, msg)
	return nil
}

// filesOf is one set of a task's files by name.
func filesOf(t *opening.TakehomeTask, set string) (*map[string]string, bool) {
	switch set {
	case "starter":
		return &t.Starter, true
	case "visible":
		return &t.Visible, true
	case "hidden":
		return &t.Hidden, true
	}
	return nil, false
}

// editTakehomeFile saves a file typed in the page (a new one, or one
// renamed), or removes one.
func (s *Server) editTakehomeFile(w http.ResponseWriter, r *http.Request, m account.Member, iv opening.Interview, i int) error {
	old, path := r.PostFormValue("old"), strings.TrimSpace(r.PostFormValue("path"))
	return s.saveTakehomeSet(w, r, m, iv, i, r.PostFormValue("set"), func(files map[string]string) (map[string]string, string, error) {
		if files == nil {
			files = map[string]string{}
		}
		if r.PostFormValue("action") == "remove" {
			delete(files, old)
			return files, "Removed " + old + ".", nil
		}
		if old != "" && old != path {
			delete(files, old)
		}
		files[path] = strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")
		return files, "Saved " + path + ".", nil
	})
}

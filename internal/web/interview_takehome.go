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
	d := takehomeTaskPage{Interview: iv, Step: st, Sets: takehomeSets(st.Takehome), Editing: r.FormValue("edit")}
	if set, path, ok := strings.Cut(d.Editing, ":"); ok {
		d.Text = takehomeFiles(st.Takehome, set)[path]
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
	if err == nil {
		steps := append([]opening.Step(nil), iv.Steps...)
		t := *steps[i].Takehome
		switch set {
		case "starter":
			t.Starter = files
		case "visible":
			t.Visible = files
		case "hidden":
			t.Hidden = files
		default:
			err = apperr.Invalid("set", "say whether the zip is the starter, the visible or the hidden tests")
		}
		if err == nil {
			steps[i].Takehome = &t
			_, err = s.Openings.UpdateInterview(r.Context(), m, iv.ID, opening.InterviewInput{Steps: &steps})
		}
	}
	if err != nil {
		msg, status, ferr := formProblem(err)
		if ferr != nil {
			return ferr
		}
		s.renderTakehomeTask(w, r, m, status, iv, i, msg)
		return nil
	}
	s.setFlash(w, fmt.Sprintf("Saved: %d %s.", len(files), plural(len(files), "file", "files")))
	return redirect(w, r, fmt.Sprintf("/interviews/%d/steps/%d/takehome", iv.ID, iv.Steps[i].ID))
}

// takehomeFiles is one set of a task's files by name.
func takehomeFiles(t *opening.TakehomeTask, set string) map[string]string {
	switch set {
	case "starter":
		return t.Starter
	case "visible":
		return t.Visible
	case "hidden":
		return t.Hidden
	}
	return nil
}

// editTakehomeFile saves a file typed in the page (a new one, or one
// renamed), or removes one, as the whole step is saved.
func (s *Server) editTakehomeFile(w http.ResponseWriter, r *http.Request, m account.Member, iv opening.Interview, i int) error {
	set, old := r.PostFormValue("set"), r.PostFormValue("old")
	path := strings.TrimSpace(r.PostFormValue("path"))
	steps := append([]opening.Step(nil), iv.Steps...)
	t := *steps[i].Takehome
	t.Starter, t.Visible, t.Hidden = maps.Clone(t.Starter), maps.Clone(t.Visible), maps.Clone(t.Hidden)
	files := takehomeFiles(&t, set)
	var err error
	flash := ""
	switch {
	case files == nil && set != "starter" && set != "visible" && set != "hidden":
		err = apperr.Invalid("set", "say whether the file is a starter file, a visible or a hidden test")
	case r.PostFormValue("action") == "remove":
		delete(files, old)
		flash = "Removed " + old + "."
	default:
		if files == nil {
			files = map[string]string{}
		}
		if old != "" && old != path {
			delete(files, old)
		}
		files[path] = strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")
		flash = "Saved " + path + "."
	}
	if err == nil {
		switch set {
		case "starter":
			t.Starter = files
		case "visible":
			t.Visible = files
		case "hidden":
			t.Hidden = files
		}
		steps[i].Takehome = &t
		_, err = s.Openings.UpdateInterview(r.Context(), m, iv.ID, opening.InterviewInput{Steps: &steps})
	}
	if err != nil {
		msg, status, ferr := formProblem(err)
		if ferr != nil {
			return ferr
		}
		s.renderTakehomeTask(w, r, m, status, iv, i, msg)
		return nil
	}
	s.setFlash(w, flash)
	return redirect(w, r, fmt.Sprintf("/interviews/%d/steps/%d/takehome", iv.ID, iv.Steps[i].ID))
}

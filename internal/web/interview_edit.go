package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

// The editor works without JavaScript: the "add a step" buttons post the
// whole form with an action, and the page comes back with the values as
// typed plus an empty step. Nothing is saved until "Save interview".

// addAction is the kind an "add a step" button adds: its value is
// "add_<kind>", one button per kind available (opening.AvailableKinds).
func addAction(action string) (opening.Kind, bool) {
	k, ok := strings.CutPrefix(action, "add_")
	return opening.Kind(k), ok && opening.Kind(k).Available()
}

func (s *Server) showNewInterview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	jobID, err := queryID(r, "job")
	if err != nil || jobID == 0 {
		return apperr.NotFound("job")
	}
	j, err := s.Openings.Job(r.Context(), m, jobID)
	if err != nil {
		return err
	}
	if err := need(m, account.ManageJobs, "create interviews"); err != nil {
		return err
	}
	f := interviewForm{JobID: j.ID, JobTitle: j.Title, DeadlineDays: "7", Steps: []stepForm{newStep(opening.KindText)}}
	s.renderInterviewForm(w, r, m, http.StatusOK, f, "")
	return nil
}

func (s *Server) showEditInterview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	iv, err := s.Openings.Interview(r.Context(), m, id)
	if err != nil {
		return err
	}
	if err := need(m, account.ManageJobs, "edit interviews"); err != nil {
		return err
	}
	f := interviewFormOf(iv)
	if j, err := s.Openings.Job(r.Context(), m, iv.JobID); err == nil {
		f.JobTitle = j.Title
	}
	s.renderInterviewForm(w, r, m, http.StatusOK, f, "")
	return nil
}

// saveInterview handles POST /interviews (create) and POST
// /interviews/{id} (update), and the editor's "add a step" actions.
func (s *Server) saveInterview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	ctx := r.Context()
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = httpx.PathID(r, "id"); err != nil {
			return err
		}
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	f, err := parseInterviewForm(r.PostForm)
	if err != nil {
		return err
	}
	f.ID = id
	var current opening.Interview
	if id != 0 {
		if current, err = s.Openings.Interview(ctx, m, id); err != nil {
			return err
		}
		f.JobID = current.JobID
	} else if _, err := fmt.Sscan(r.PostFormValue("job_id"), &f.JobID); err != nil {
		return apperr.NotFound("job")
	}
	j, err := s.Openings.Job(ctx, m, f.JobID)
	if err != nil {
		return err
	}
	f.JobTitle = j.Title
	if err := need(m, account.ManageJobs, "edit interviews"); err != nil {
		return err
	}

	if kind, ok := addAction(r.PostFormValue("action")); ok {
		f.Steps = append(f.Steps, newStep(kind))
		s.renderInterviewForm(w, r, m, http.StatusOK, f, "")
		return nil
	}
	if f.move(r.PostFormValue("action")) {
		s.renderInterviewForm(w, r, m, http.StatusOK, f, "")
		return nil
	}

	in, err := f.input(current)
	var iv opening.Interview
	if err == nil {
		if id == 0 {
			in.JobID = &f.JobID
			iv, err = s.Openings.CreateInterview(ctx, m, in)
		} else {
			iv, err = s.Openings.UpdateInterview(ctx, m, id, in)
		}
	}
	if err != nil {
		msg, status, err := formProblem(err)
		if err != nil {
			return err
		}
		s.renderInterviewForm(w, r, m, status, f, msg)
		return nil
	}
	s.setFlash(w, "Interview saved.")
	return redirect(w, r, fmt.Sprintf("/interviews/%d", iv.ID))
}

func (s *Server) renderInterviewForm(w http.ResponseWriter, r *http.Request, m account.Member, status int, f interviewForm, msg string) {
	f.prepare()
	title := "New interview"
	if f.ID != 0 {
		title = "Edit interview"
	}
	p := s.teamPage(r.Context(), m, "jobs", title, f)
	p.Error = msg
	s.render(w, r, status, "interview_form", p)
}

// move carries out "Move up" and "Move down" (action "up.N" or "down.N",
// N the step's row in the posted form), the editor's way to reorder steps
// without JavaScript; step_order.js does it in the page. The step moves
// from its place in the order as typed. It reports whether action was a
// move.
func (f *interviewForm) move(action string) bool {
	dir, num, ok := strings.Cut(action, ".")
	if !ok || (dir != "up" && dir != "down") {
		return false
	}
	row, err := strconv.Atoi(num)
	i := slices.IndexFunc(f.Steps, func(st stepForm) bool { return st.row == row })
	if err != nil || i < 0 {
		return true // a move of a step no longer there: the form as it is
	}
	j := i - 1
	if dir == "down" {
		j = i + 1
	}
	if j >= 0 && j < len(f.Steps) {
		f.Steps[i], f.Steps[j] = f.Steps[j], f.Steps[i]
	}
	return true
}

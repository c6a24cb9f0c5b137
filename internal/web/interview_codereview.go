package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/codereview"
	"github.com/anyhour/anyhour/internal/opening"
)

// A code-review step's own page for the team: the change (pasted, or a
// .patch or .diff file, or a ready-made task), rendered, with every line
// a link that opens the form to plant an issue on it; the planted issues
// listed, each edited or removed. Every save goes through the interview,
// so every rule of the step holds; a refusal comes back with what was
// typed.

type codeReviewTaskPage struct {
	Interview opening.Interview
	Step      opening.Step
	Change    reviewChange
	Samples   []codereview.Sample
	Base      string
	// Plant is the form's issue: a new one on a line, or one being
	// edited (Editing its index, -1 for new).
	Plant   *opening.Planted
	Editing int
	Diff    string // the diff as typed, when a new one was refused
	// Published names the ready-made task the change still is: its
	// planted issues are in anyhour's published source.
	Published string
}

func (s *Server) codeReviewStep(r *http.Request, m account.Member) (opening.Interview, int, error) {
	iv, i, err := s.stepOfKind(r, m, opening.KindCodeReview, "edit code reviews", "code review")
	if err == nil && iv.Steps[i].CodeReview == nil {
		err = apperr.NotFound("code review")
	}
	return iv, i, err
}

// showCodeReviewTask is GET /interviews/{id}/steps/{step}/codereview.
func (s *Server) showCodeReviewTask(w http.ResponseWriter, r *http.Request, m account.Member) error {
	iv, i, err := s.codeReviewStep(r, m)
	if err != nil {
		return err
	}
	d := codeReviewTaskPage{Editing: -1}
	if file, side, n, ok := parseLineValue(r.URL.Query().Get("plant")); ok {
		d.Plant = &opening.Planted{File: file, Side: side, LineStart: n, LineEnd: n, Points: 2}
	}
	if k, err := strconv.Atoi(r.URL.Query().Get("edit")); err == nil && k >= 0 && k < len(iv.Steps[i].CodeReview.Planted) {
		p := iv.Steps[i].CodeReview.Planted[k]
		d.Plant, d.Editing = &p, k
	}
	return s.renderCodeReviewTask(w, r, m, http.StatusOK, iv, i, d, "")
}

func (s *Server) renderCodeReviewTask(w http.ResponseWriter, r *http.Request, m account.Member, status int, iv opening.Interview, i int, d codeReviewTaskPage, msg string) error {
	st := iv.Steps[i]
	d.Interview, d.Step, d.Samples = iv, st, codereview.Samples
	for _, smp := range codereview.Samples {
		if smp.Task.Diff == st.CodeReview.Diff {
			d.Published = smp.Title
		}
	}
	d.Base = fmt.Sprintf("/interviews/%d/steps/%d/codereview", iv.ID, st.ID)
	var err error
	if d.Change, err = newReviewChange(st, application.Answer{}, true, ""); err != nil {
		return err
	}
	p := s.teamPage(r.Context(), m, "jobs", st.Title, d)
	p.Error = msg
	p.Wide = true
	s.render(w, r, status, "interview_codereview", p)
	return nil
}

// saveCodeReviewTask is POST /interviews/{id}/steps/{step}/codereview:
// action "diff" replaces the change (typed or uploaded), "sample" starts
// again from a ready-made task, "plant" adds or replaces a planted issue,
// "remove" takes one away.
func (s *Server) saveCodeReviewTask(w http.ResponseWriter, r *http.Request, m account.Member) error {
	r.Body = http.MaxBytesReader(w, r.Body, 2*opening.MaxReviewDiff+1<<20)
	iv, i, err := s.codeReviewStep(r, m)
	if err != nil {
		return err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return s.renderCodeReviewTask(w, r, m, http.StatusRequestEntityTooLarge, iv, i, codeReviewTaskPage{Editing: -1},
			fmt.Sprintf("That is larger than a code review takes: a diff holds at most %d KB.", opening.MaxReviewDiff>>10))
	}
	if err != nil {
		return apperr.Invalid("", "the form could not be read; please try again")
	}
	steps := append([]opening.Step(nil), iv.Steps...)
	st := steps[i]
	t := *st.CodeReview
	t.Planted = append([]opening.Planted(nil), t.Planted...)
	d := codeReviewTaskPage{Editing: -1}
	flash := ""
	action := r.PostFormValue("action")
	if action == "diff" || action == "sample" || action == "remove" {
		// Comments and marks are kept by line and by planted issue's place:
		// once reviews are in, neither may move under them.
		n, err := s.Applications.SubmittedAnswers(r.Context(), m.OrgID, st.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			return s.renderCodeReviewTask(w, r, m, http.StatusConflict, iv, i, d, fmt.Sprintf("%d %s already submitted a review of this change: "+
				"replacing it, or removing a planted issue, would move their comments and your marks onto other lines and issues. "+
				"Edit the planted issues or plant more; for another change, add a new step.", n, plural(n, "candidate has", "candidates have")))
		}
	}
	if action == "sample" && r.PostFormValue("confirm") == "" {
		return s.renderCodeReviewTask(w, r, m, http.StatusBadRequest, iv, i, d,
			"Tick the box to say you mean to replace this step's change, planted issues, title and instructions with the ready-made task.")
	}
	switch action {
	case "diff":
		diff := r.PostFormValue("diff")
		if f, _, ferr := r.FormFile("patch"); ferr == nil {
			data, rerr := io.ReadAll(io.LimitReader(f, opening.MaxReviewDiff+1))
			f.Close()
			if rerr != nil {
				return rerr
			}
			diff = string(data)
		}
		t.Diff, d.Diff = diff, diff
		flash = "The change is replaced."
	case "sample":
		key := r.PostFormValue("sample")
		found := false
		for _, smp := range codereview.Samples {
			if smp.Key == key {
				t = smp.Task
				st.Title, st.Prompt, st.Minutes = smp.Title, smp.Prompt, smp.Minutes
				found = true
			}
		}
		if !found {
			return s.renderCodeReviewTask(w, r, m, http.StatusBadRequest, iv, i, d, "Choose one of the ready-made tasks.")
		}
		flash = "The step is now the ready-made task “" + st.Title + "”: its change, its planted issues, its title and its instructions."
	case "plant":
		p, k, perr := readPlanted(r)
		d.Plant, d.Editing = &p, k
		if perr != nil {
			return s.renderCodeReviewTask(w, r, m, http.StatusBadRequest, iv, i, d, apperr.Message(perr))
		}
		if k >= 0 && k < len(t.Planted) {
			t.Planted[k] = p
		} else {
			t.Planted = append(t.Planted, p)
		}
		flash = "Planted: " + p.Label + "."
	case "tolerance":
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("tolerance")))
		if err != nil {
			return s.renderCodeReviewTask(w, r, m, http.StatusBadRequest, iv, i, d, "Give the tolerance as a number of lines, such as 2.")
		}
		t.Tolerance = n
		flash = fmt.Sprintf("A comment within %d %s of a planted issue now finds it.", n, plural(n, "line", "lines"))
	case "remove":
		k, err := strconv.Atoi(r.PostFormValue("index"))
		if err != nil || k < 0 || k >= len(t.Planted) {
			return apperr.NotFound("planted issue")
		}
		flash = "Removed: " + t.Planted[k].Label + "."
		t.Planted = append(t.Planted[:k], t.Planted[k+1:]...)
	default:
		return apperr.Invalid("action", "say what to change")
	}
	st.CodeReview = &t
	steps[i] = st
	if _, err := s.Openings.UpdateInterview(r.Context(), m, iv.ID, opening.InterviewInput{Steps: &steps}); err != nil {
		msg, status, ferr := formProblem(err)
		if ferr != nil {
			return ferr
		}
		return s.renderCodeReviewTask(w, r, m, status, iv, i, d, msg)
	}
	s.setFlash(w, flash)
	return redirect(w, r, fmt.Sprintf("/interviews/%d/steps/%d/codereview", iv.ID, iv.Steps[i].ID))
}

// readPlanted reads the planting form: the issue and the index it
// replaces (-1 for a new one).
func readPlanted(r *http.Request) (opening.Planted, int, error) {
	k, err := strconv.Atoi(r.PostFormValue("index"))
	if err != nil || k < -1 {
		return opening.Planted{}, -1, apperr.Invalid("index", "The form lost which issue it was; open it again.")
	}
	p := opening.Planted{File: r.PostFormValue("file"), Side: r.PostFormValue("side"), Label: r.PostFormValue("label"),
		Explanation: strings.ReplaceAll(r.PostFormValue("explanation"), "\r\n", "\n")}
	if p.LineStart, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("line_start"))); err != nil {
		return p, k, apperr.Invalid("line_start", "Say on which line the issue starts.")
	}
	if p.LineEnd, err = strconv.Atoi(strings.TrimSpace(r.PostFormValue("line_end"))); err != nil {
		return p, k, apperr.Invalid("line_end", "Say on which line the issue ends (the same line for one line).")
	}
	if p.Points, err = strconv.ParseFloat(strings.TrimSpace(r.PostFormValue("points")), 64); err != nil {
		return p, k, apperr.Invalid("points", "Say how many points finding the issue is worth.")
	}
	return p, k, nil
}

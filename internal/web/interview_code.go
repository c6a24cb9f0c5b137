package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/editform"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
)

// The coding task editor, one page per code step: languages, starter code
// and visible and hidden tests per language, stdin/stdout cases, limits,
// and a reference solution to try against every test before saving. Like
// the interview editor it works without JavaScript: "add a case" and
// "try" post the whole form and the page comes back as typed.

// codeTaskPage is what the coding task editor shows.
type codeTaskPage struct {
	Interview opening.Interview
	Step      opening.Step // as saved: its title, prompt and checks
	Index     int          // the step's index in the interview
	Langs     []codeLangForm
	Cases     []ioCaseForm
	TimeLimit string // seconds
	MemoryMB  string
	Regrade   bool
	TZ        string // the member's time zone
	// Unready says why candidates cannot be sent the saved task yet.
	Unready []string
}

// codeLangForm is one language's block of the editor, with the outcome
// of trying its reference solution, if it was tried.
type codeLangForm struct {
	Lang      opening.Language
	On        bool
	Starter   string
	Visible   string
	Hidden    string
	Reference string

	Checked   *time.Time // a reference passed the saved tests, then
	Try       *grader.Outcome
	TryScore  [2]float64 // points earned and possible in Try
	TryError  string
	TryStored bool // the try passed the saved tests and was recorded
}

// ioCaseForm is one stdin/stdout case row, as typed.
type ioCaseForm struct {
	Name   string
	Stdin  string
	Stdout string
	Hidden bool
	Points string
}

// maxFormCases bounds the case rows a posted form may have.
const maxFormCases = opening.MaxIOCases + 10

func (s *Server) codeStep(r *http.Request, m account.Member) (opening.Interview, int, error) {
	return s.stepOfKind(r, m, opening.KindCode, "edit coding tasks", "coding task")
}

// stepOfKind finds the step of kind the address names
// (/interviews/{id}/steps/{step}/…), for a member who edits interviews:
// a page of the step's own. doing and what say what is refused or not
// found.
func (s *Server) stepOfKind(r *http.Request, m account.Member, kind opening.Kind, doing, what string) (opening.Interview, int, error) {
	id, stepID, err := httpx.PathIDs(r, "id", "step")
	if err != nil {
		return opening.Interview{}, 0, err
	}
	iv, err := s.Openings.Interview(r.Context(), m, id)
	if err != nil {
		return iv, 0, err
	}
	if err := need(m, account.ManageJobs, doing); err != nil {
		return iv, 0, err
	}
	for i, st := range iv.Steps {
		if st.ID == stepID && st.Kind == kind {
			return iv, i, nil
		}
	}
	return iv, 0, apperr.NotFound(what)
}

// showCodeTask is GET /interviews/{id}/steps/{step}/code.
func (s *Server) showCodeTask(w http.ResponseWriter, r *http.Request, m account.Member) error {
	iv, i, err := s.codeStep(r, m)
	if err != nil {
		return err
	}
	d := codeTaskFormOf(iv, i)
	s.renderCodeTask(w, r, m, http.StatusOK, d, "")
	return nil
}

// saveCodeTask is POST /interviews/{id}/steps/{step}/code: save, add a
// case row, or try the reference solution, by the button pressed.
func (s *Server) saveCodeTask(w http.ResponseWriter, r *http.Request, m account.Member) error {
	ctx := r.Context()
	iv, i, err := s.codeStep(r, m)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	d, err := parseCodeTaskForm(r.PostForm)
	if err != nil {
		return err
	}
	d.Interview, d.Step, d.Index = iv, iv.Steps[i], i

	action := r.PostFormValue("action")
	switch {
	case action == "add_case":
		d.Cases = append(d.Cases, ioCaseForm{})
		s.renderCodeTask(w, r, m, http.StatusOK, d, "")
		return nil
	case strings.HasPrefix(action, "try."):
		l := d.lang(opening.Language(strings.TrimPrefix(action, "try.")))
		if l == nil {
			return apperr.Invalid("action", "choose one of the task's languages for the reference solution")
		}
		status, err := s.tryReference(r, m, &d, l)
		if err != nil {
			return err
		}
		s.renderCodeTask(w, r, m, status, d, "")
		return nil
	}

	task, err := d.task()
	if err == nil {
		steps := append([]opening.Step(nil), iv.Steps...)
		steps[i].Code = &task
		iv, err = s.Openings.UpdateInterview(ctx, m, iv.ID, opening.InterviewInput{Steps: &steps})
	}
	if err != nil {
		msg, status, err := formProblem(err)
		if err != nil {
			return err
		}
		s.renderCodeTask(w, r, m, status, d, msg)
		return nil
	}
	// Each reference solution not yet passed is tried against the tests
	// as saved; those that pass every test make the task ready.
	d.Interview, d.Step = iv, iv.Steps[i]
	for j := range d.Langs {
		l := &d.Langs[j]
		if !l.On || strings.TrimSpace(l.Reference) == "" || d.Step.Code.Checked(l.Lang) {
			continue
		}
		if _, err := s.tryReference(r, m, &d, l); err != nil {
			return err
		}
	}
	if iv, err = s.Openings.Interview(ctx, m, iv.ID); err != nil {
		return err
	}
	d.Interview, d.Step = iv, iv.Steps[i]
	flash := "Coding task saved."
	if d.Regrade {
		n, err := s.Gradings.RegradeStep(ctx, m, iv.Steps[i].ID)
		if err != nil {
			return err
		}
		switch {
		case n == 1:
			flash += " The answer already given is being graded again."
		case n > 1:
			flash += fmt.Sprintf(" The %d answers already given are being graded again.", n)
		}
	}
	if why := d.Step.Code.Unready(); len(why) > 0 {
		// Saved, but not ready: the page stays, saying why, with the
		// tries' results.
		p := s.codeTaskView(r, m, d)
		p.Flash = flash + " Not ready for candidates yet: see below."
		s.render(w, r, http.StatusOK, "interview_code", p)
		return nil
	}
	s.setFlash(w, flash+" It is ready for candidates: every language's reference solution passes every test.")
	return redirect(w, r, fmt.Sprintf("/interviews/%d", iv.ID))
}

// tryReference tries l's reference solution against every test. When the
// page's tests are the saved ones, a pass is recorded as the task's check
// (grading.Service.Check); otherwise the tests as typed are tried and
// nothing is kept. The status is the page's.
func (s *Server) tryReference(r *http.Request, m account.Member, d *codeTaskPage, l *codeLangForm) (int, error) {
	ctx := r.Context()
	step := d.Step
	task, err := d.task()
	if err == nil {
		step.Code = &task
		var typed opening.Step
		if typed, err = opening.CheckStep(d.Index, step); err == nil {
			var out grader.Outcome
			if d.Step.Code != nil && typed.Code.Fingerprint(l.Lang) == d.Step.Code.Fingerprint(l.Lang) {
				out, l.TryStored, err = s.Gradings.Check(ctx, m, d.Interview.ID, d.Step.ID, string(l.Lang), l.Reference)
			} else {
				out, err = s.Gradings.Try(ctx, m, d.Index, step, string(l.Lang), l.Reference)
			}
			if err == nil {
				l.Try = &out
				l.TryScore[0], l.TryScore[1] = out.Score()
			}
		}
	}
	if err != nil {
		msg, status, ferr := formProblem(err)
		if ferr != nil {
			return 0, ferr
		}
		l.TryError = msg
		return status, nil
	}
	return http.StatusOK, nil
}

// lang is the block of language l, or nil.
func (d *codeTaskPage) lang(l opening.Language) *codeLangForm {
	for j := range d.Langs {
		if d.Langs[j].Lang == l {
			return &d.Langs[j]
		}
	}
	return nil
}

func (s *Server) renderCodeTask(w http.ResponseWriter, r *http.Request, m account.Member, status int, d codeTaskPage, msg string) {
	p := s.codeTaskView(r, m, d)
	p.Error = msg
	s.render(w, r, status, "interview_code", p)
}

// codeTaskView fills the layout for the editor: the saved checks beside
// each language, and one blank case row to fill in.
func (s *Server) codeTaskView(r *http.Request, m account.Member, d codeTaskPage) page {
	d.TZ = s.memberZone(r.Context(), m)
	if c := d.Step.Code; c != nil {
		d.Unready = c.Unready()
		for j := range d.Langs {
			if l := &d.Langs[j]; c.Checked(l.Lang) {
				at := c.Checks[l.Lang].At
				l.Checked = &at
			}
		}
	}
	if len(d.Cases) == 0 || strings.TrimSpace(d.Cases[len(d.Cases)-1].Name+d.Cases[len(d.Cases)-1].Stdin+d.Cases[len(d.Cases)-1].Stdout) != "" {
		d.Cases = append(d.Cases, ioCaseForm{}) // always one blank row to fill in
	}
	return s.teamPage(r.Context(), m, "jobs", "Coding task · "+d.Step.Title, d)
}

// codeTaskFormOf fills the editor from a saved step.
func codeTaskFormOf(iv opening.Interview, i int) codeTaskPage {
	st := iv.Steps[i]
	c := st.Code
	if c == nil {
		c = opening.NewCodeTask()
	}
	d := codeTaskPage{Interview: iv, Step: st, Index: i, Regrade: true,
		TimeLimit: strconv.FormatFloat(float64(c.TimeLimitMS)/1000, 'f', -1, 64), MemoryMB: strconv.Itoa(c.MemoryMB)}
	for _, l := range opening.Languages {
		t := c.Tests[l]
		d.Langs = append(d.Langs, codeLangForm{Lang: l, On: c.Supports(l), Starter: c.Starter[l], Visible: t.Visible, Hidden: t.Hidden, Reference: c.Reference[l]})
	}
	for _, io := range c.IOCases {
		cf := ioCaseForm{Name: io.Name, Stdin: io.Stdin, Stdout: io.Stdout, Hidden: io.Hidden}
		if io.Points != 0 {
			cf.Points = strconv.FormatFloat(io.Points, 'f', -1, 64)
		}
		d.Cases = append(d.Cases, cf)
	}
	return d
}

// parseCodeTaskForm reads the editor's fields: languages, starter.L,
// visible.L, hidden.L and reference.L for each language L, cases.N.field,
// time_limit, memory_mb and regrade.
func parseCodeTaskForm(form url.Values) (codeTaskPage, error) {
	d := codeTaskPage{TimeLimit: form.Get("time_limit"), MemoryMB: form.Get("memory_mb"), Regrade: form.Get("regrade") != ""}
	on := map[string]bool{}
	for _, l := range form["languages"] {
		on[l] = true
	}
	for _, l := range opening.Languages {
		d.Langs = append(d.Langs, codeLangForm{Lang: l, On: on[string(l)],
			Starter: form.Get("starter." + string(l)), Visible: form.Get("visible." + string(l)), Hidden: form.Get("hidden." + string(l)),
			Reference: crlf(form.Get("reference." + string(l)))})
	}
	cases := map[int]*ioCaseForm{}
	for key, vals := range form {
		rest, ok := strings.CutPrefix(key, "cases.")
		if !ok || len(vals) == 0 {
			continue
		}
		num, field, ok := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n < 0 || n >= maxFormCases {
			return d, apperr.Invalid(key, "the form field %q is not one this page sends", key)
		}
		c := cases[n]
		if c == nil {
			c = &ioCaseForm{}
			cases[n] = c
		}
		v := vals[len(vals)-1]
		switch field {
		case "name":
			c.Name = v
		case "stdin":
			c.Stdin = v
		case "stdout":
			c.Stdout = v
		case "hidden":
			c.Hidden = v != ""
		case "points":
			c.Points = v
		default:
			return d, apperr.Invalid(key, "the form field %q is not one this page sends", key)
		}
	}
	d.Cases = inRowOrder(cases)
	return d, nil
}

// task is the coding task as typed. Blank case rows are left out; the
// domain checks the rest when it saves or tries the task.
func (d codeTaskPage) task() (opening.CodeTask, error) {
	c := opening.CodeTask{Starter: map[opening.Language]string{}, Tests: map[opening.Language]opening.CodeTests{},
		Reference: map[opening.Language]string{}}
	for _, l := range d.Langs {
		if !l.On {
			continue
		}
		c.Languages = append(c.Languages, l.Lang)
		if strings.TrimSpace(l.Starter) != "" {
			c.Starter[l.Lang] = crlf(l.Starter)
		}
		c.Tests[l.Lang] = opening.CodeTests{Visible: crlf(l.Visible), Hidden: crlf(l.Hidden)}
		if strings.TrimSpace(l.Reference) != "" {
			c.Reference[l.Lang] = l.Reference
		}
	}
	if t := strings.TrimSpace(d.TimeLimit); t != "" {
		sec, err := strconv.ParseFloat(t, 64)
		if err != nil || !(sec > 0 && sec <= 600) {
			return c, apperr.Invalid("time_limit", "the time limit must be a number of seconds, such as 10")
		}
		c.TimeLimitMS = int(sec*1000 + 0.5)
	}
	var err error
	if c.MemoryMB, err = editform.Int(d.MemoryMB, "memory_mb", "the memory limit"); err != nil {
		return c, err
	}
	for j, cf := range d.Cases {
		if strings.TrimSpace(cf.Name+cf.Stdin+cf.Stdout) == "" {
			continue
		}
		io := opening.IOCase{Name: strings.TrimSpace(cf.Name), Stdin: crlf(cf.Stdin), Stdout: crlf(cf.Stdout), Hidden: cf.Hidden}
		if io.Name == "" {
			io.Name = fmt.Sprintf("case %d", j+1)
		}
		if p := strings.TrimSpace(cf.Points); p != "" {
			if io.Points, err = strconv.ParseFloat(p, 64); err != nil {
				return c, apperr.Invalid("points", "case %q: points must be a number", io.Name)
			}
		}
		c.IOCases = append(c.IOCases, io)
	}
	return c, nil
}

// crlf turns the CRLF line ends a browser posts into LF, as code and
// expected output are written.
func crlf(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

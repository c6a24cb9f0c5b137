package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/grading"
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
	Step      opening.Step // as saved: its title and prompt
	Index     int          // the step's index in the interview
	Langs     []codeLangForm
	Cases     []ioCaseForm
	TimeLimit string // seconds
	MemoryMB  string
	Regrade   bool

	RefLanguage string
	RefCode     string
	Try         *grading.Outcome
	TryScore    [2]float64 // points earned and possible in Try
	TryError    string
}

// codeLangForm is one language's block of the editor.
type codeLangForm struct {
	Lang    opening.Language
	On      bool
	Starter string
	Visible string
	Hidden  string
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
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return opening.Interview{}, 0, err
	}
	stepID, err := httpx.PathID(r, "step")
	if err != nil {
		return opening.Interview{}, 0, err
	}
	iv, err := s.Openings.Interview(r.Context(), m, id)
	if err != nil {
		return iv, 0, err
	}
	if err := need(m, account.ManageJobs, "edit coding tasks"); err != nil {
		return iv, 0, err
	}
	for i, st := range iv.Steps {
		if st.ID == stepID && st.Kind == opening.KindCode {
			return iv, i, nil
		}
	}
	return iv, 0, apperr.NotFound("coding task")
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

	switch r.PostFormValue("action") {
	case "add_case":
		d.Cases = append(d.Cases, ioCaseForm{})
		s.renderCodeTask(w, r, m, http.StatusOK, d, "")
		return nil
	case "try":
		step := iv.Steps[i]
		task, err := d.task()
		if err == nil {
			step.Code = &task
			var out grading.Outcome
			out, err = s.Coding.Try(ctx, m, i, step, d.RefLanguage, d.RefCode)
			if err == nil {
				d.Try = &out
				d.TryScore[0], d.TryScore[1] = out.Score()
			}
		}
		status := http.StatusOK
		if err != nil {
			msg, st, ferr := formProblem(err)
			if ferr != nil {
				return ferr
			}
			d.TryError, status = msg, st
		}
		s.renderCodeTask(w, r, m, status, d, "")
		return nil
	}

	task, err := d.task()
	if err == nil {
		steps := append([]opening.Step(nil), iv.Steps...)
		steps[i].Code = &task
		_, err = s.Openings.UpdateInterview(ctx, m, iv.ID, opening.InterviewInput{Steps: &steps})
	}
	if err != nil {
		msg, status, err := formProblem(err)
		if err != nil {
			return err
		}
		s.renderCodeTask(w, r, m, status, d, msg)
		return nil
	}
	flash := "Coding task saved."
	if d.Regrade {
		n, err := s.Coding.RegradeStep(ctx, m, iv.Steps[i].ID)
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
	s.setFlash(w, flash)
	return redirect(w, r, fmt.Sprintf("/interviews/%d", iv.ID))
}

func (s *Server) renderCodeTask(w http.ResponseWriter, r *http.Request, m account.Member, status int, d codeTaskPage, msg string) {
	if d.RefLanguage == "" {
		for _, l := range d.Langs {
			if l.On {
				d.RefLanguage = string(l.Lang)
				break
			}
		}
	}
	if len(d.Cases) == 0 || strings.TrimSpace(d.Cases[len(d.Cases)-1].Name+d.Cases[len(d.Cases)-1].Stdin+d.Cases[len(d.Cases)-1].Stdout) != "" {
		d.Cases = append(d.Cases, ioCaseForm{}) // always one blank row to fill in
	}
	p := s.teamPage(r.Context(), m, "jobs", "Coding task · "+d.Step.Title, d)
	p.Error = msg
	s.render(w, r, status, "interview_code", p)
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
		d.Langs = append(d.Langs, codeLangForm{Lang: l, On: c.Supports(l), Starter: c.Starter[l], Visible: t.Visible, Hidden: t.Hidden})
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
// visible.L, hidden.L for each language L, cases.N.field, time_limit,
// memory_mb, regrade, ref_language and ref_code.
func parseCodeTaskForm(form url.Values) (codeTaskPage, error) {
	d := codeTaskPage{TimeLimit: form.Get("time_limit"), MemoryMB: form.Get("memory_mb"), Regrade: form.Get("regrade") != "",
		RefLanguage: form.Get("ref_language"), RefCode: form.Get("ref_code")}
	on := map[string]bool{}
	for _, l := range form["languages"] {
		on[l] = true
	}
	for _, l := range opening.Languages {
		d.Langs = append(d.Langs, codeLangForm{Lang: l, On: on[string(l)],
			Starter: form.Get("starter." + string(l)), Visible: form.Get("visible." + string(l)), Hidden: form.Get("hidden." + string(l))})
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
	c := opening.CodeTask{Starter: map[opening.Language]string{}, Tests: map[opening.Language]opening.CodeTests{}}
	for _, l := range d.Langs {
		if !l.On {
			continue
		}
		c.Languages = append(c.Languages, l.Lang)
		if strings.TrimSpace(l.Starter) != "" {
			c.Starter[l.Lang] = crlf(l.Starter)
		}
		c.Tests[l.Lang] = opening.CodeTests{Visible: crlf(l.Visible), Hidden: crlf(l.Hidden)}
	}
	if t := strings.TrimSpace(d.TimeLimit); t != "" {
		sec, err := strconv.ParseFloat(t, 64)
		if err != nil || !(sec > 0 && sec <= 600) {
			return c, apperr.Invalid("time_limit", "the time limit must be a number of seconds, such as 10")
		}
		c.TimeLimitMS = int(sec*1000 + 0.5)
	}
	var err error
	if c.MemoryMB, err = number(d.MemoryMB, "memory_mb", "the memory limit"); err != nil {
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

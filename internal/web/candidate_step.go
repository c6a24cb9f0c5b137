package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/takehome"
)

// candidateStepPage is one step of the interview, as a form while the
// application is open and read-only after.
type candidateStepPage struct {
	candidateView
	Row     candidateStepRow
	Total   int
	PrevURL string
	Closed  string // why the answer can no longer change; empty while open
	Unsaved string // text that was typed but could not be saved
	Token   string // the link's token, for the recorder's and the file step's uploads
	// Error is the page's error, for the kind's fields to point at
	// (aria-describedby); set it through withError.
	Error string

	Run      *grader.Outcome // code: the results of "Run the visible tests"
	RunError string
	Draft    string // code: what was typed and run but not saved

	Credentials *takehome.Credentials // takehome: just made, their password shown this once

	OpenComment string // codereview: "file:side:line", a new comment opened there
}

// withError is the page for the step with an error above the answer.
func (d candidateStepPage) withError(msg string) page {
	d.Error = msg
	p := d.page()
	p.Error = msg
	return p
}

// SaveStatus says when the answer was last saved.
func (d candidateStepPage) SaveStatus() string {
	if d.Row.Answer.UpdatedAt.IsZero() {
		return "Not saved yet."
	}
	return d.savedLine(d.Row.Answer.UpdatedAt)
}

// savedLine says when an answer was saved, in the candidate's zone.
func (v candidateView) savedLine(t time.Time) string {
	at, now := inZone(t, v.Zone()), inZone(v.Now, v.Zone())
	if at.Format(time.DateOnly) == now.Format(time.DateOnly) {
		return "Saved at " + at.Format("15:04") + "."
	}
	return "Saved on " + at.Format("Mon 2 Jan") + " at " + at.Format("15:04") + "."
}

// CodeDraft is what the code editor holds: the code just run, else the
// saved answer or the starter code.
func (d candidateStepPage) CodeDraft() string {
	if d.Draft != "" {
		return d.Draft
	}
	return d.Row.CodeText()
}

func (s *Server) showCandidateStep(w http.ResponseWriter, r *http.Request, a application.Application) error {
	v, err := s.loadCandidate(r.Context(), a)
	if err != nil {
		return err
	}
	row, i, ok := candidateStep(v, r)
	if !ok {
		return apperr.NotFound("step")
	}
	if v.Open && a.Status == application.Invited {
		// The first step opened starts the application; Start does
		// nothing on later calls.
		if err := s.Applications.Start(r.Context(), a); err != nil && !errors.Is(err, apperr.ErrConflict) {
			return err
		}
	}
	d := v.stepPage(row, i)
	if (row.Step.Kind == opening.KindVideo || row.Step.Kind == opening.KindFile) && d.Closed == "" {
		d.Token = candidateToken(r, a.ID)
	}
	if d.Closed == "" {
		d.OpenComment = r.URL.Query().Get("comment")
	}
	s.render(w, r, http.StatusOK, "candidate_step", d.page())
	return nil
}

// page fills the layout for the step; an open code step takes the width,
// the task beside the editor.
func (d candidateStepPage) page() page {
	p := d.candidateView.page(d.Row.Step.Title, d)
	p.Wide = (d.Row.Step.Kind == opening.KindCode && d.Closed == "") || d.Row.Step.Kind == opening.KindCodeReview
	return p
}

// Review is a code-review step's change with the candidate's comments.
func (d candidateStepPage) Review() (reviewChange, error) {
	return newReviewChange(d.Row.Step, d.Row.Answer, false, d.OpenComment)
}

// ReviewSummary is the code review's summary as saved.
func (d candidateStepPage) ReviewSummary() string {
	if r := d.Row.Answer.CodeReview; r != nil {
		return r.Summary
	}
	return ""
}

// NextStepURL is the step after this one, or "" for the last.
func (d candidateStepPage) NextStepURL() string {
	if steps := d.Steps(); d.Row.N < len(steps) {
		return steps[d.Row.N].URL
	}
	return ""
}

func (v candidateView) stepPage(row candidateStepRow, i int) candidateStepPage {
	d := candidateStepPage{candidateView: v, Row: row, Total: len(v.Interview.Steps), PrevURL: v.Base()}
	if i > 0 {
		d.PrevURL = v.Steps()[i-1].URL
	}
	switch {
	case v.Submitted():
		d.Closed = "You submitted your answers on " + v.At(*v.App.SubmittedAt) + ", so they can no longer be changed. This is what you sent."
	case !v.Open:
		d.Closed = "The deadline has passed, so answers can no longer be changed. If you need more time, reply to your invitation email and ask the team."
	}
	return d
}

// saveCandidateStep saves the answer to one step. The typed text is never
// lost: an answer that cannot be saved comes back in the form with the
// reason, and one over the word limit is saved and comes back with a
// warning instead of moving on.
func (s *Server) saveCandidateStep(w http.ResponseWriter, r *http.Request, a application.Application) error {
	v, row, i, err := s.stepForm(r, a)
	if err != nil {
		return err
	}
	if row.Step.Kind == opening.KindVideo {
		return s.chooseCandidateTake(w, r, a, v, row, i)
	}
	in, typed, err := candidateAnswerInput(row.Step, r)
	if err == nil {
		_, err = s.Applications.SaveAnswer(r.Context(), a, row.Step.ID, in)
	}
	auto := r.Header.Get("X-Anyhour-Autosave") != ""
	if err != nil {
		msg, err2 := formError(err)
		if err2 != nil {
			return err2
		}
		status, _ := httpx.Status(err)
		if auto {
			return autosaved(w, status, "Not saved: "+sentence(msg))
		}
		row.Answer = typed
		row.Words = typed.Words()
		d := v.stepPage(row, i)
		if errors.Is(err, apperr.ErrConflict) || errors.Is(err, apperr.ErrUnauthenticated) {
			// Closed meanwhile (submitted in another tab, or past the
			// deadline): show what was saved, and what was typed to copy.
			d.Row = v.Steps()[i]
			d.Unsaved = typed.Text + typed.Code
			if d.Closed == "" {
				d.Closed = sentence(msg)
			}
		}
		s.render(w, r, status, "candidate_step", d.withError("Your answer was not saved: "+sentence(msg)))
		return nil
	}
	saved := v.savedLine(v.Now)
	if !typed.Given(row.Step.Kind) {
		saved = "Saved with nothing in it, so this step counts as unanswered until you answer it."
	}
	if auto {
		return autosaved(w, http.StatusOK, saved)
	}
	if reason := held(row.Step, typed); reason != "" {
		row.Answer, row.Words, row.Answered, row.Held = typed, typed.Words(), true, reason
		p := v.stepPage(row, i).withError("It is saved, but it cannot be sent as it is: " + reason)
		p.Flash = saved
		s.render(w, r, http.StatusOK, "candidate_step", p)
		return nil
	}
	s.setFlash(w, saved)
	return redirect(w, r, v.after(r, row, i))
}

// after is where a saved step goes: on to the next step, or back to it.
func (v candidateView) after(r *http.Request, row candidateStepRow, i int) string {
	if line := r.PostFormValue("comment"); line != "" {
		// A code review's line pressed: back, with a comment opened there.
		return row.URL + "?" + url.Values{"comment": {line}}.Encode() + "#new-comment"
	}
	if r.PostFormValue("then") != "next" {
		return row.URL
	}
	if i+1 < len(v.Interview.Steps) {
		return v.Steps()[i+1].URL
	}
	return v.Base() + "/review"
}

// candidateAnswerInput reads the answer from the form through the step
// kind's FormAnswerer.
func candidateAnswerInput(st opening.Step, r *http.Request) (application.AnswerInput, application.Answer, error) {
	k, ok := opening.As[FormAnswerer](st.Kind)
	if !ok {
		return application.AnswerInput{}, application.Answer{StepID: st.ID}, apperr.Invalid("step", "%s steps cannot be answered on this page", st.Kind.Label())
	}
	return k.FormAnswer(st, r.PostForm)
}

// stepForm loads what a form posted to one of a candidate's steps needs:
// their view, the step the address names and its index, and the form.
func (s *Server) stepForm(r *http.Request, a application.Application) (candidateView, candidateStepRow, int, error) {
	v, err := s.loadCandidate(r.Context(), a)
	if err != nil {
		return v, candidateStepRow{}, 0, err
	}
	row, i, ok := candidateStep(v, r)
	if !ok {
		return v, row, i, apperr.NotFound("step")
	}
	if err := r.ParseForm(); err != nil {
		return v, row, i, apperr.Invalid("", "the form could not be read; please try again")
	}
	return v, row, i, nil
}

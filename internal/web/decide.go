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
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/decision"
)

// The decision page decides on one application or many: the outcome, the
// message from its template, optional feedback, a preview of what each
// candidate will read, then send. It works without JavaScript.

// decidePage is the decision form, as typed, and its preview.
type decidePage struct {
	Apps     []application.Application
	Outcome  decision.Outcome
	Outcomes []decision.Outcome
	Template string
	Ratings  bool
	Feedback string
	Reason   string
	When     string // "now" or "at"
	SendAt   string // datetime-local, in the member's zone, for "at"
	TZ       string // the member's zone
	// OneJob: every application is of one job, whose message for the
	// outcome the form may save (SaveForJob); JobSaved: the template is
	// the job's saved one.
	OneJob     bool
	SaveForJob bool
	JobSaved   bool
	Previews   []decision.Preview
	Back       string // where Cancel goes
}

// Placeholders and Reasons are the form's buttons and suggestions.
func (d decidePage) Placeholders() []decision.Placeholder { return decision.Placeholders }
func (d decidePage) Reasons() []string                    { return decision.Reasons[d.Outcome] }

// showDecide is GET /decide?app=1&app=2&outcome=reject.
func (s *Server) showDecide(w http.ResponseWriter, r *http.Request, m account.Member) error {
	d, err := s.decideForm(r, m, r.URL.Query())
	if err != nil {
		return err
	}
	if d.Template == "" {
		d.Template = decision.Templates[d.Outcome]
		if d.OneJob {
			if d.Template, d.JobSaved, err = s.Decisions.JobTemplate(r.Context(), m, d.Apps[0].JobID, d.Outcome); err != nil {
				return err
			}
		}
	}
	s.renderDecide(w, r, m, http.StatusOK, d, "")
	return nil
}

// decideForm reads the applications and choices from q, which is the
// query of a GET or the form of a POST.
func (s *Server) decideForm(r *http.Request, m account.Member, q url.Values) (decidePage, error) {
	if err := need(m, account.ManageJobs, "decide on applications"); err != nil {
		return decidePage{}, err
	}
	d := decidePage{Outcome: decision.Outcome(q.Get("outcome")), Outcomes: decision.Outcomes, Template: q.Get("template"),
		Ratings: q.Get("ratings") != "", Feedback: q.Get("feedback"), Reason: q.Get("reason"), When: q.Get("when"), SendAt: q.Get("send_at"),
		SaveForJob: q.Get("save_for_job") != "", TZ: s.memberZone(r.Context(), m)}
	if d.When != "at" {
		d.When = "now"
	}
	if !d.Outcome.Valid() {
		d.Outcome = decision.Advance
	}
	ids := q["app"]
	if len(ids) == 0 {
		return d, apperr.Invalid("app", "tick the applications to decide on first")
	}
	if len(ids) > decision.MaxBatch {
		return d, apperr.Invalid("app", "decide on at most %d applications at once", decision.MaxBatch)
	}
	seen := map[int64]bool{}
	for _, v := range ids {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return d, apperr.NotFound("application")
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		a, err := s.Applications.Application(r.Context(), m, id)
		if err != nil {
			return d, err
		}
		d.Apps = append(d.Apps, a)
	}
	d.OneJob = true
	for _, a := range d.Apps {
		d.OneJob = d.OneJob && a.JobID == d.Apps[0].JobID
	}
	d.Back = fmt.Sprintf("/jobs/%d", d.Apps[0].JobID)
	if len(d.Apps) == 1 {
		d.Back = fmt.Sprintf("/applications/%d", d.Apps[0].ID)
	}
	return d, nil
}

func (d decidePage) ids() []int64 {
	out := make([]int64, len(d.Apps))
	for i, a := range d.Apps {
		out[i] = a.ID
	}
	return out
}

func (d decidePage) input() (decision.Input, error) {
	in := decision.Input{Outcome: d.Outcome, Template: d.Template, Ratings: d.Ratings, Feedback: d.Feedback, Reason: d.Reason}
	if d.When == "at" {
		t, err := time.ParseInLocation("2006-01-02T15:04", d.SendAt, inZone(time.Now(), d.TZ).Location())
		if err != nil {
			return in, apperr.Invalid("send_at", "choose the date and time to send the message")
		}
		in.SendAt = &t
	}
	return in, nil
}

// postDecide is POST /decide: preview, or send.
func (s *Server) postDecide(w http.ResponseWriter, r *http.Request, m account.Member) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	d, err := s.decideForm(r, m, r.PostForm)
	if err != nil {
		return err
	}
	in, err := d.input()
	if err != nil {
		return s.decideProblem(w, r, m, d, err)
	}
	if r.PostForm.Get("action") != "send" {
		d.Previews, err = s.Decisions.Preview(r.Context(), m, d.ids(), in)
		return s.decideProblem(w, r, m, d, err)
	}
	done, problems, err := s.Decisions.Decide(r.Context(), m, d.ids(), in)
	if err != nil {
		return s.decideProblem(w, r, m, d, err)
	}
	var b strings.Builder
	sent := "sent"
	if in.SendAt != nil {
		sent = "recorded; the message goes " + inZone(*in.SendAt, d.TZ).Format("Mon 2 Jan at 15:04 MST") + ", and the candidate learns of it then"
	}
	switch len(done) {
	case 0:
	case 1:
		fmt.Fprintf(&b, "Decision %s (%s).", sent, strings.ToLower(d.Outcome.Label()))
	default:
		fmt.Fprintf(&b, "%d decisions %s (%s).", len(done), sent, strings.ToLower(d.Outcome.Label()))
	}
	if d.SaveForJob && d.OneJob && len(done) > 0 {
		if err := s.Decisions.SaveJobTemplate(r.Context(), m, d.Apps[0].JobID, in); err != nil {
			return err
		}
		fmt.Fprintf(&b, " The message is saved as this job's “%s” message.", d.Outcome.Label())
	}
	for _, p := range problems {
		fmt.Fprintf(&b, " Not decided: %s, %s.", p.Candidate, p.Reason)
	}
	s.setFlash(w, strings.TrimSpace(b.String()))
	return redirect(w, r, d.Back)
}

// decideProblem shows the form again with err's message, or passes on an
// error that is not the form's.
func (s *Server) decideProblem(w http.ResponseWriter, r *http.Request, m account.Member, d decidePage, err error) error {
	if err == nil {
		s.renderDecide(w, r, m, http.StatusOK, d, "")
		return nil
	}
	msg, status, ferr := formProblem(err)
	if ferr != nil {
		return ferr
	}
	d.Previews = nil
	s.renderDecide(w, r, m, status, d, msg)
	return nil
}

func (s *Server) renderDecide(w http.ResponseWriter, r *http.Request, m account.Member, status int, d decidePage, msg string) {
	title := "Decide"
	if len(d.Apps) == 1 {
		title = "Decide: " + d.Apps[0].Candidate.Name
	}
	p := s.teamPage(r.Context(), m, "jobs", title, d)
	p.Error = msg
	s.render(w, r, status, "decide", p)
}

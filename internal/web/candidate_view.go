package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/anyhour/anyhour/internal/activity"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/filestep"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/takehome"
	"github.com/anyhour/anyhour/internal/video"
)

// candidateView is what every candidate page knows about the application:
// the domain's view of it for its candidate (appview.Candidate), and
// whether a team member is previewing the interview instead.
type candidateView struct {
	appview.Candidate
	preview bool   // a team member's preview: no application behind it
	baseURL string // anyhour's public address, for addresses outside the pages (a clone URL)
}

func (s *Server) loadCandidate(ctx context.Context, a application.Application) (candidateView, error) {
	c, err := s.Views.ForCandidate(ctx, a)
	return candidateView{Candidate: c, baseURL: s.cfg.BaseURL}, err
}

// page fills the layout for a candidate page: the organisation's
// name in the header and no team navigation.
func (v candidateView) page(title string, data any) page {
	org := v.Org
	return page{Title: title, Org: &org, Candidate: true, Data: data}
}

// Base is the address of the application's pages.
func (v candidateView) Base() string {
	if v.preview {
		return previewPath(v.Interview.ID)
	}
	return candidatePath(v.App.ID)
}

// Preview reports whether the page is a team member's preview.
func (v candidateView) Preview() bool { return v.preview }

func candidatePath(appID int64) string { return fmt.Sprintf("/candidate/%d", appID) }

// Zone is the candidate's time zone, or UTC while it is unknown.
func (v candidateView) Zone() string {
	if v.App.TimeZone == "" {
		return "UTC"
	}
	return v.App.TimeZone
}

// Steps lists the interview's steps with the candidate's answers.
func (v candidateView) Steps() []candidateStepRow {
	rows := make([]candidateStepRow, len(v.Candidate.Steps))
	for i, st := range v.Candidate.Steps {
		rows[i] = candidateStepRow{N: st.N, Step: st.Step, Answer: st.Answer, Answered: st.Answered,
			URL: fmt.Sprintf("%s/steps/%d", v.Base(), st.Step.ID), Takes: st.Takes, MediaBase: v.Base() + "/media", FileBase: v.Base() + "/answer-files",
			Grading: st.Grading, Activity: st.Activity, Files: st.Files, Repo: st.Repo, Pushes: st.Pushes, ClosesAt: st.ClosesAt, Feedback: st.Feedback}
		if st.Repo != nil {
			rows[i].CloneURL = v.baseURL + "/git/" + st.Repo.Path()
		}
		rows[i].Words = st.Answer.Words()
		rows[i].Held = held(st.Step, st.Answer)
	}
	return rows
}

// AnsweredCount is how many steps have an answer.
func (v candidateView) AnsweredCount() int { return v.Answered() }

// NextURL is where "Start" or "Continue" leads: the first step without an
// answer, or the review page once every step has one.
func (v candidateView) NextURL() string {
	for _, r := range v.Steps() {
		if !r.Answered {
			return r.URL
		}
	}
	return v.Base() + "/review"
}

// Deadline is the deadline in the candidate's zone and the team's.
func (v candidateView) Deadline() candidateTime { return v.zoned(v.App.DeadlineAt) }

// TimeLeft says how long is left before the deadline, in words.
func (v candidateView) TimeLeft() string {
	d := v.App.DeadlineAt.Sub(v.Now)
	switch {
	case d <= 0:
		return ""
	case d < time.Hour:
		return "less than an hour left"
	case d < 48*time.Hour:
		h := int(d.Hours())
		return fmt.Sprintf("%d %s left", h, plural(h, "hour", "hours"))
	}
	days := int(d.Hours() / 24)
	return fmt.Sprintf("%d days left", days)
}

// candidateStepRow is one step as the candidate sees it.
type candidateStepRow struct {
	N        int
	Step     opening.Step
	Answer   application.Answer
	Answered bool
	Words    int
	Held     string // why the answer cannot be sent as it is (over a word limit), or ""
	URL      string

	Takes     []video.Recording // video: every take, first first
	MediaBase string            // where the candidate fetches recordings

	Grading *grading.Grading // code: the saved code's grading, without hidden tests' details
	// Activity: code: what the editor recorded, listed after submission.
	Activity *activity.Summary

	Files    []filestep.File // file: the files, those uploading too
	FileBase string          // where the candidate fetches their files

	Repo     *takehome.Repo  // takehome: the repository, once started
	Pushes   []takehome.Push // takehome: its pushes, oldest first
	ClosesAt time.Time       // takehome: when it stops taking pushes
	CloneURL string          // takehome: where git finds it
	// Feedback: takehome: the reviewers' feedback on lines of the work,
	// once the decision has reached the candidate.
	Feedback []takehome.Comment
}

// CodeLanguage is the language the code editor shows: the answer's, else
// the first the task offers.
func (r candidateStepRow) CodeLanguage() opening.Language {
	if r.Answer.Language != "" {
		return r.Answer.Language
	}
	if r.Step.Code != nil && len(r.Step.Code.Languages) > 0 {
		return r.Step.Code.Languages[0]
	}
	return ""
}

// CodeText is what the code editor holds: the answer, else the starter
// code of its language.
func (r candidateStepRow) CodeText() string {
	if r.Answer.Code != "" || r.Step.Code == nil {
		return r.Answer.Code
	}
	return r.Step.Code.Starter[r.CodeLanguage()]
}

// Take is the take submitted as the answer to a video step, if any.
func (r candidateStepRow) Take() *video.Recording {
	for i := range r.Takes {
		if r.Takes[i].ID == r.Answer.RecordingID {
			return &r.Takes[i]
		}
	}
	return nil
}

// TakesLeft is how many more takes the candidate may record.
func (r candidateStepRow) TakesLeft() int { return video.TakesLeft(r.Step, r.Takes) }

// Uploading reports whether a take of the step is still uploading.
func (r candidateStepRow) Uploading() bool {
	for _, t := range r.Takes {
		if t.Status == video.Uploading {
			return true
		}
	}
	return false
}

// Chosen reports whether the candidate chose option id.
func (r candidateStepRow) Chosen(id int64) bool {
	for _, c := range r.Answer.Choices {
		if c == id {
			return true
		}
	}
	return false
}

// candidateTime is a moment as the candidate reads it and as the team does.
type candidateTime struct {
	UTC       string // for the datetime attribute
	Yours     string // in the candidate's zone, with the date
	Team      string // in the team's zone, with the date only if it differs
	Same      bool   // the two zones show the same clock time
	ZoneKnown bool   // the candidate told us their zone
	YourZone  string
	TeamZone  string
}

func (v candidateView) zoned(t time.Time) candidateTime {
	yours, team := inZone(t, v.Zone()), inZone(t, v.Org.TimeZone)
	z := candidateTime{
		UTC:       t.UTC().Format(time.RFC3339),
		Yours:     yours.Format("Mon 2 Jan 2006, 15:04 MST"),
		ZoneKnown: v.App.TimeZone != "",
		YourZone:  v.Zone(),
		TeamZone:  team.Location().String(),
	}
	_, yo := yours.Zone()
	_, to := team.Zone()
	z.Same = yo == to
	if yours.Format("2006-01-02") == team.Format("2006-01-02") {
		z.Team = team.Format("15:04 MST")
	} else {
		z.Team = team.Format("Mon 2 Jan, 15:04 MST")
	}
	return z
}

// At formats t in the candidate's zone.
func (v candidateView) At(t time.Time) string {
	return inZone(t, v.Zone()).Format("Mon 2 Jan 2006, 15:04 MST")
}

// candidateStep finds the step named in the path, with its index.
func candidateStep(v candidateView, r *http.Request) (candidateStepRow, int, bool) {
	for i, row := range v.Steps() {
		if fmt.Sprint(row.Step.ID) == r.PathValue("step") {
			return row, i, true
		}
	}
	return candidateStepRow{}, 0, false
}

// Over reports whether the answer cannot be sent as it is.
func (r candidateStepRow) Over() bool { return r.Held != "" }

// WordsOver is how many words a text answer has beyond its limit.
func (r candidateStepRow) WordsOver() int { return r.Words - r.Step.MaxWords }

// PromptVideo is the team's recorded question for a step, if any.
func (v candidateView) PromptVideo(stepID int64) *video.Recording {
	if m, ok := v.Videos.Prompts[stepID]; ok {
		return &m
	}
	return nil
}

// StatusWord is the one word for where the application stands, the same
// on every candidate page.
func (v candidateView) StatusWord() string {
	switch {
	case v.App.Status == application.Withdrawn:
		return "Withdrawn"
	case v.App.Status == application.Decided && v.Decision != nil:
		return v.Decision.Outcome.CandidateWord()
	case v.Submitted():
		return "Submitted"
	case !v.Open:
		return "Deadline passed"
	case v.App.Status == application.Started || v.AnsweredCount() > 0:
		return "In progress"
	}
	return "Not started"
}

// StatusClass names the status line's colour: the outcome's once the
// candidate knows it.
func (v candidateView) StatusClass() string {
	if v.Decision != nil {
		return "outcome-" + string(v.Decision.Outcome)
	}
	// Decided, but the message goes later: submitted, as far as they know.
	return "status-" + string(v.Status())
}

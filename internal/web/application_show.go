package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/message"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/video"
)

// appStep is one step of an application as a reviewer reads it.
type appStep struct {
	N        int
	Step     opening.Step
	Removed  bool // no longer part of the interview
	Answered bool
	Text     string
	Words    int
	Options  []appOption
	Score    float64
	Max      float64
	Rating   int       // the reviewer's own rating, as entered or saved
	Average  float64   // over every review, once the reviewer has submitted
	Rated    bool      // Average is set
	Video    *appVideo // video steps: the take to watch, its comments and coverage

	Language opening.Language // code steps
	Code     string
	Grading  *grading.Grading // code steps: every test, hidden ones included, and the logs

	// Before submission: when the step's answer was last saved, zero if
	// it has none. What it says stays private.
	SavedAt time.Time
}

type appOption struct {
	Text            string
	Chosen, Correct bool
	Removed         bool // removed from the step after the candidate chose it
}

// otherReview is another reviewer's judgement, shown after one's own.
type otherReview struct {
	Name           string
	Recommendation string
	Note           string
	Ratings        []otherRating
}

type otherRating struct {
	Step  string
	Value int
}

type applicationPage struct {
	App            application.Application
	Interview      opening.Interview
	Job            opening.Job
	Steps          []appStep
	TZ             string
	Score, Max     float64
	Scored         bool
	Graded         bool   // a coding task counts in the score, so it is more than a quiz score
	CanReview      bool   // the member may review and the candidate has submitted
	CanRate        bool   // the member's role may review, submitted or not
	ScoreError     string // why the scorecard was not submitted
	Reviewed       bool   // the member has submitted a review
	ReviewCount    int
	Others         []otherReview
	Average        float64
	Recommendation string
	Note           string
	Recs           []review.Recommendation
	// Draft: the scorecard holds the member's draft, saved at DraftAt and
	// seen by nobody else; else it holds their review, if any.
	Draft   bool
	DraftAt time.Time
	Nav     appNav
	// Shared: the candidate has submitted, so the team may read the
	// answers; until then the page shows Progress only.
	Shared   bool
	Progress application.Progress
	HasVideo bool // a take to play: the page loads the player
	HasCode  bool // code to highlight

	// The conversation with the candidate and the team's notes.
	Messages   []message.Message
	CanMessage bool   // the member may write to the candidate
	MsgError   string // why the last message was not sent
	MsgDraft   string // the message or note typed, when it was not sent
	MsgNote    bool   // the draft is an internal note
	Now        time.Time
	// NextWaking is when "in their working hours" would send a message,
	// in the candidate's zone (CandidateZone).
	NextWaking    time.Time
	CandidateZone string

	Decision  *decision.Decision // the latest, if any
	CanDecide bool
	Outcomes  []decision.Outcome

	// More time: requests, grants, and whether the member may give it.
	Extensions []application.Extension
	CanExtend  bool
	ExtError   string

	// CanLink: the member may email the candidate a link, or replace or
	// revoke it.
	CanLink bool
}

// PendingExtension is the candidate's request waiting for an answer.
func (d applicationPage) PendingExtension() *application.Extension {
	for _, e := range d.Extensions {
		if e.Status == application.ExtensionPending {
			return &e
		}
	}
	return nil
}

func (s *Server) showApplication(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	data, err := s.applicationData(r, m, id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "application_show", s.teamPage(r.Context(), m, "jobs", data.App.Candidate.Name, data))
	return nil
}

func (s *Server) applicationData(r *http.Request, m account.Member, id int64) (applicationPage, error) {
	ctx := r.Context()
	var d applicationPage
	a, err := s.Applications.Application(ctx, m, id)
	if err != nil {
		return d, err
	}
	iv, err := s.Openings.Interview(ctx, m, a.InterviewID)
	if err != nil {
		return d, err
	}
	j, err := s.Openings.Job(ctx, m, a.JobID)
	if err != nil {
		return d, err
	}
	removed, err := s.Openings.RemovedSteps(ctx, m.OrgID, iv.ID)
	if err != nil {
		return d, err
	}
	answers, err := s.Applications.TeamAnswers(ctx, a)
	if err != nil {
		return d, err
	}
	progress, err := s.Applications.Progress(ctx, a, iv)
	if err != nil {
		return d, err
	}
	sum, err := s.Reviews.ForApplication(ctx, m, a.ID)
	if err != nil {
		return d, err
	}
	d = applicationPage{App: a, Interview: iv, Job: j, TZ: s.memberZone(ctx, m), Recs: review.Recommendations,
		ReviewCount: sum.Count, Reviewed: sum.Mine != nil, Average: sum.Average, Shared: a.Shared(), Progress: progress}
	d.CanRate = m.Can(account.Review)
	d.CanReview = d.CanRate && a.Shared()
	d.CanMessage = m.Can(account.MessageCandidates) && a.Status != application.Withdrawn
	d.CanDecide = m.Can(account.ManageJobs) && m.Can(account.MessageCandidates) && (a.Status == application.Submitted || a.Status == application.Decided)
	d.Outcomes = decision.Outcomes
	d.CanExtend = m.Can(account.InviteCandidates) && a.Answering()
	d.CanLink = m.Can(account.InviteCandidates) && a.Status != application.Withdrawn
	if d.Extensions, err = s.Applications.Extensions(ctx, a.ID); err != nil {
		return d, err
	}
	if d.Decision, err = s.Decisions.Latest(ctx, a.ID); err != nil {
		return d, err
	}
	hours := s.candidateHours(ctx, a)
	d.Now, d.CandidateZone = time.Now(), hours.Zone
	d.NextWaking = hours.Next(d.Now)
	// Reading the thread here marks the candidate's messages seen.
	if d.Messages, err = s.Messages.Thread(ctx, m, a.ID); err != nil {
		return d, err
	}
	if d.Nav, err = s.appNav(ctx, m, a, listFrom(r.URL.Query())); err != nil {
		return d, err
	}
	for _, st := range iv.Steps {
		d.Steps = append(d.Steps, s.appStep(len(d.Steps)+1, st, false, answers))
	}
	for _, st := range removed {
		// A removed step matters only if this candidate answered it.
		if _, ok := answers[st.ID]; ok {
			d.Steps = append(d.Steps, s.appStep(len(d.Steps)+1, st, true, answers))
		}
	}
	for i := range d.Steps {
		d.Steps[i].SavedAt = progress.Answered[d.Steps[i].Step.ID]
	}
	if err := s.addVideos(ctx, m, a, d.Steps, answers); err != nil {
		return d, err
	}
	gradings, err := s.Gradings.ForTeam(ctx, a)
	if err != nil {
		return d, err
	}
	for i := range d.Steps {
		st := &d.Steps[i]
		if st.Step.Kind != opening.KindCode {
			continue
		}
		ans := answers[st.Step.ID]
		st.Language, st.Code, st.Answered = ans.Language, ans.Code, ans.Code != ""
		st.Max = st.Step.Points // until graded, as application.Total counts it
		if g, ok := gradings[st.Step.ID]; ok {
			st.Grading = &g
			if g.Score != nil && g.MaxScore != nil {
				st.Score, st.Max = *g.Score, *g.MaxScore
			}
		}
	}
	for i := range d.Steps {
		st := &d.Steps[i]
		d.HasVideo = d.HasVideo || (st.Video != nil && st.Video.Take.Status == video.Ready)
		if st.Step.Kind == opening.KindCode {
			d.Graded = true
			d.HasCode = d.HasCode || st.Answered
		}
		if (st.Step.Kind == opening.KindChoice || st.Step.Kind == opening.KindCode) && !st.Removed && d.Shared {
			d.Score, d.Max, d.Scored = d.Score+st.Score, d.Max+st.Max, true
		}
		if sum.Mine != nil {
			st.Rating = sum.Mine.Ratings[st.Step.ID]
			st.Average, st.Rated = sum.StepAverage[st.Step.ID]
		}
		if sum.Draft != nil {
			st.Rating = sum.Draft.Ratings[st.Step.ID]
		}
	}
	switch {
	case sum.Draft != nil:
		d.Recommendation, d.Note = string(sum.Draft.Recommendation), sum.Draft.Note
		d.Draft, d.DraftAt = true, sum.Draft.UpdatedAt
	case sum.Mine != nil:
		d.Recommendation, d.Note = string(sum.Mine.Recommendation), sum.Mine.Note
	}
	for _, o := range sum.Others {
		v := otherReview{Name: o.Reviewer.Name, Recommendation: o.Recommendation.Label(), Note: o.Note}
		for _, st := range d.Steps {
			if n, ok := o.Ratings[st.Step.ID]; ok {
				v.Ratings = append(v.Ratings, otherRating{Step: strconv.Itoa(st.N) + ". " + st.Step.Title, Value: n})
			}
		}
		d.Others = append(d.Others, v)
	}
	return d, nil
}

func (s *Server) appStep(n int, st opening.Step, removed bool, answers map[int64]application.Answer) appStep {
	v := appStep{N: n, Step: st, Removed: removed}
	ans, ok := answers[st.ID]
	v.Answered = ok
	switch st.Kind {
	case opening.KindText:
		v.Text, v.Words = ans.Text, ans.Words()
		v.Answered = ok && ans.Text != ""
	case opening.KindChoice:
		chosen := map[int64]bool{}
		for _, id := range ans.Choices {
			chosen[id] = true
		}
		for _, o := range st.Options {
			v.Options = append(v.Options, appOption{Text: o.Text, Chosen: chosen[o.ID], Correct: o.Correct})
		}
		for _, o := range st.Former {
			if chosen[o.ID] {
				v.Options = append(v.Options, appOption{Text: o.Text, Chosen: true, Removed: true})
			}
		}
		v.Score, v.Max = application.ScoreChoice(st, ans.Choices)
	}
	return v
}

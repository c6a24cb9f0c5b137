package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/activity"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/filestep"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/message"
	"github.com/anyhour/anyhour/internal/notify"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/outbox"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/share"
	"github.com/anyhour/anyhour/internal/takehome"
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
	Rating   int     // the reviewer's own rating, as entered or saved
	Average  float64 // over every review, once the reviewer has submitted
	Rated    bool    // Average is set
	// Criteria: the scorecard's criteria the step informs, rated instead
	// of Rating.
	Criteria []appCriterion
	Video    *appVideo // video steps: the take to watch, its comments and coverage

	Language opening.Language // code steps
	// Activity: code steps: what the editor recorded as it was written,
	// replayed at PlaybackURL.
	Activity    *activity.Summary
	PlaybackURL string
	Code        string
	Grading     *grading.Grading // code steps: every test, hidden ones included, and the logs
	Files       []filestep.File  // file steps: the files uploaded

	CodeReview *reviewChange // codereview steps: the comments and the planted issues, found or missed
	Summary    string        // codereview steps: the candidate's summary
	CanMark    bool          // codereview steps: the member may confirm or reject matches
	MarkURL    string        // codereview steps: where marks are posted
	ReviewURL  string        // codereview steps: the review read in the change

	Repo     *takehome.Repo  // takehome steps: the repository, once started
	Pushes   []takehome.Push // takehome steps: its pushes, oldest first
	ClosesAt time.Time       // takehome steps: when it stopped or stops taking pushes

	Match *appMatch // code and takehome steps: the most alike other answer, once submitted

	// Before submission: when the step's answer was last saved, zero if
	// it has none. What it says stays private.
	SavedAt time.Time
}

// appCriterion is a criterion a step informs, with the reviewer's own
// rating of it for this answer.
type appCriterion struct {
	opening.Criterion
	Rating int
	// Average is the criterion's average over every review and every
	// step that informs it, once the member's own review is in
	// (Averaged).
	Average  float64
	Averaged bool
}

// calibrationRow is one rating of the member's on a calibration
// application against the others' mean.
type calibrationRow struct {
	Item   string // "1. Design: Explains trade-offs"
	Mine   int
	Team   float64
	Others int
}

// criterionAverage is a criterion's average over every review.
type criterionAverage struct {
	Name    string
	Average float64
}

// appMatch is the answer most alike a candidate's, for a person to weigh.
type appMatch struct {
	Name      string
	Reference bool
	Percent   int
	PairURL   string
	StepURL   string // every pair of the step
	// Below: the match is under the step's Threshold (in percent), and
	// shown as such, not as one the team asked to look at.
	Below     bool
	Threshold int
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
	Step  string // "2. Design", or "2. Design: Explains trade-offs"
	Value int
}

type applicationPage struct {
	App         application.Application
	Interview   opening.Interview
	Job         opening.Job
	Steps       []appStep
	TZ          string
	Score, Max  float64
	Scored      bool
	Graded      bool   // a coding task counts in the score, so it is more than a quiz score
	CanReview   bool   // the member may review and the candidate has submitted
	CanRate     bool   // the member's role may review, submitted or not
	ScoreError  string // why the scorecard was not submitted
	Reviewed    bool   // the member has submitted a review
	ReviewCount int
	Others      []otherReview
	Average     float64
	// CriterionAverages are the scorecard's criteria averaged over every
	// review, once the member has submitted theirs.
	CriterionAverages []criterionAverage
	// Calibration: the application is in the team's calibration set;
	// CanCalibrate: the member may put it in or take it out.
	// CalibrationRows compare the member's ratings with the others', once
	// their own review is in.
	Calibration     bool
	CanCalibrate    bool
	CalibrationRows []calibrationRow
	// ShareLinks share the application with guests; CanShare: the member
	// may make and revoke them. Guests are the guests' ratings, shown with
	// the colleagues' reviews.
	ShareLinks     []share.Link
	CanShare       bool
	Guests         []share.Rating
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

	// CanReveal: the job is reviewed blind, the member may reveal the
	// candidate and the reviews are in; else RevealWait says why not yet.
	CanReveal  bool
	RevealWait string

	// Assigned: the reviewers asked to review, and the choice of others.
	Assigned *appAssign

	// Invitation is the invitation email when it may not have reached
	// the candidate (InvitationLost): its sending was cut off, or it
	// failed. CanResend: the member may send it again (admins).
	Invitation     outbox.Email
	InvitationLost bool
	CanResend      bool
}

// PendingExtension is the candidate's request waiting for an answer.
func (d applicationPage) PendingExtension() *application.Extension {
	return application.Pending(d.Extensions)
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

// applicationData is the application page's data: the domain's view of
// the application for m (appview.Team), put in the page's shape, and the
// conversation.
func (s *Server) applicationData(r *http.Request, m account.Member, id int64) (applicationPage, error) {
	ctx := r.Context()
	var d applicationPage
	v, err := s.Views.ForMember(ctx, m, id)
	if err != nil {
		return d, err
	}
	a, sum := v.App, v.Reviews
	d = applicationPage{App: a, Interview: v.Interview, Job: v.Job, TZ: s.memberZone(ctx, m), Recs: review.Recommendations,
		ReviewCount: sum.Count, Reviewed: sum.Mine != nil, Average: sum.Average, Shared: v.Shared, Progress: v.Progress,
		Score: v.Score, Max: v.Max, Scored: v.Scored, Graded: v.Graded,
		CanRate: v.Can.Rate, CanReview: v.Can.Review, CanMessage: v.Can.Message, CanDecide: v.Can.Decide,
		CanExtend: v.Can.Extend, CanLink: v.Can.Link, Outcomes: decision.Outcomes,
		CanReveal: v.Can.Reveal, RevealWait: v.RevealWait,
		Extensions: v.Extensions, Decision: v.Decision}
	d.Now, d.CandidateZone = time.Now(), v.CandidateHours.Zone
	d.NextWaking = v.NextWaking(d.Now)
	if d.Assigned, err = s.assignData(ctx, m, a); err != nil {
		return d, err
	}
	// Once the candidate has come in, the invitation (or another way to
	// their link) reached them.
	if a.Status == application.Invited {
		if d.Invitation, d.InvitationLost, err = s.Outbox.Undelivered(ctx, m, a.ID, notify.KindInvitation); err != nil {
			return d, err
		}
	}
	d.CanResend = outbox.CanManage(m)
	// Reading the thread here marks the candidate's messages seen.
	if d.Messages, err = s.Messages.Thread(ctx, m, a.ID); err != nil {
		return d, err
	}
	if d.Nav, err = s.appNav(ctx, m, a, listFrom(r.URL.Query())); err != nil {
		return d, err
	}
	matches, err := s.highestMatches(r, m, a, v.Interview, v.Shared)
	if err != nil {
		return d, err
	}
	for _, st := range v.Steps {
		if err := s.askAudio(ctx, video.MemberViewer(m), st.Take, st.Blind); err != nil {
			return d, err
		}
		row, err := appRow(m, v, st)
		if err != nil {
			return d, err
		}
		row.Match = matches[st.Step.ID]
		d.HasVideo = d.HasVideo || (st.Take != nil && st.Take.Status == video.Ready)
		d.HasCode = d.HasCode || (st.Step.Kind == opening.KindCode && st.Answered)
		d.Steps = append(d.Steps, row)
	}
	cal, err := s.Reviews.Calibrating(ctx, m, []int64{a.ID})
	if err != nil {
		return d, err
	}
	d.Calibration, d.CanCalibrate = cal[a.ID], m.Can(account.ManageJobs)
	d.CanShare = m.Can(account.ManageJobs)
	if v.Shared {
		if d.ShareLinks, err = s.Shares.ForApplication(ctx, m, a.ID); err != nil {
			return d, err
		}
		if sum.Mine != nil {
			if d.Guests, err = s.Shares.Ratings(ctx, m.OrgID, a.ID, 0); err != nil {
				return d, err
			}
		}
	}
	if d.Calibration && sum.Mine != nil {
		for _, it := range review.Calibration(*sum.Mine, sum.Others) {
			label := ""
			for _, st := range d.Steps {
				if st.Step.ID != it.StepID {
					continue
				}
				label = strconv.Itoa(st.N) + ". " + st.Step.Title
				if c, ok := v.Interview.Criterion(it.CriterionID); ok {
					label += ": " + c.Name
				}
			}
			if label != "" {
				d.CalibrationRows = append(d.CalibrationRows, calibrationRow{Item: label, Mine: it.Mine, Team: it.Team, Others: it.Others})
			}
		}
		sort.Slice(d.CalibrationRows, func(i, j int) bool { return d.CalibrationRows[i].Item < d.CalibrationRows[j].Item })
	}
	for _, c := range v.Interview.Criteria {
		if avg, ok := sum.CriterionAverage[c.ID]; ok {
			d.CriterionAverages = append(d.CriterionAverages, criterionAverage{Name: c.Name, Average: avg})
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
			for _, c := range st.Criteria {
				if n, ok := o.Criteria[st.Step.ID][c.ID]; ok {
					v.Ratings = append(v.Ratings, otherRating{Step: strconv.Itoa(st.N) + ". " + st.Step.Title + ": " + c.Name, Value: n})
				}
			}
		}
		d.Others = append(d.Others, v)
	}
	return d, nil
}

// appRow is a step of an application as member m reads it: the answer
// with its kind's parts (the take to play, the code's record, a code
// review's matches) and the member's own ratings, from their review or
// their draft, with the averages once their review is in.
func appRow(m account.Member, v appview.Team, st appview.Step) (appStep, error) {
	a, sum := v.App, v.Reviews
	row := newAppStep(st)
	if st.Take != nil {
		row.Video = newAppVideo(m, v, st)
	}
	if st.Activity != nil {
		row.Activity = st.Activity
		row.PlaybackURL = fmt.Sprintf("/applications/%d/steps/%d/playback", a.ID, st.Step.ID)
	}
	if st.Step.Kind == opening.KindCodeReview && st.Answered {
		c, err := newReviewChange(st.Step, st.Answer, true, "")
		if err != nil {
			return row, err
		}
		row.CodeReview = &c
		row.Summary = st.Answer.CodeReview.Summary
		row.CanMark = m.Can(account.Review) && (a.Status == application.Submitted || a.Status == application.Decided)
		row.MarkURL = fmt.Sprintf("/applications/%d/steps/%d/marks", a.ID, st.Step.ID)
		row.ReviewURL = fmt.Sprintf("/applications/%d/steps/%d/codereview", a.ID, st.Step.ID)
	}
	for _, id := range st.Step.Criteria {
		if c, ok := v.Interview.Criterion(id); ok {
			row.Criteria = append(row.Criteria, appCriterion{Criterion: c})
		}
	}
	mine := sum.Mine
	if sum.Draft != nil {
		mine = &review.Review{Ratings: sum.Draft.Ratings, Criteria: sum.Draft.Criteria}
	}
	if mine != nil {
		row.Rating = mine.Ratings[st.Step.ID]
		for i := range row.Criteria {
			row.Criteria[i].Rating = mine.Criteria[st.Step.ID][row.Criteria[i].ID]
		}
	}
	if sum.Mine != nil {
		row.Average, row.Rated = sum.StepAverage[st.Step.ID]
		for i := range row.Criteria {
			row.Criteria[i].Average, row.Criteria[i].Averaged = sum.CriterionAverage[row.Criteria[i].ID]
		}
	}
	return row, nil
}

// newAppStep puts a step of the domain's view in the page's shape.
func newAppStep(st appview.Step) appStep {
	v := appStep{N: st.N, Step: st.Step, Removed: st.Removed, Answered: st.Answered, SavedAt: st.SavedAt,
		Score: st.Score, Max: st.Max, Grading: st.Grading, Files: st.Files, Repo: st.Repo, Pushes: st.Pushes, ClosesAt: st.ClosesAt,
		Text: st.Answer.Text, Words: st.Answer.Words(), Language: st.Answer.Language, Code: st.Answer.Code}
	for _, o := range st.Options {
		v.Options = append(v.Options, appOption{Text: o.Text, Chosen: o.Chosen, Correct: o.Correct, Removed: o.Removed})
	}
	return v
}

package appview

import (
	"context"
	"errors"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/video"
	"github.com/anyhour/anyhour/internal/worktime"
)

// Team is an application as a member of its organisation sees it.
type Team struct {
	// App is the application; once its answers are shared, App.Score and
	// App.MaxScore are the total as counted now (Score, Max).
	App       application.Application
	Interview opening.Interview
	Job       opening.Job
	// Shared: the candidate has submitted, so the team may read the
	// answers. Until then Steps carry no answer, only SavedAt.
	Shared   bool
	Progress application.Progress
	// Steps are the interview's steps, then removed steps this candidate
	// answered.
	Steps []Step
	// Score and Max add up the steps scored automatically (choice, and
	// code: its grading, else zero of its points), not removed ones;
	// Scored says there are such steps and the answers are shared.
	Score, Max float64
	Scored     bool
	Graded     bool // a code step counts, so the total is more than a quiz's

	// Reviews are the reviews this member may see: their own, and the
	// others' once theirs is submitted; their draft is theirs alone.
	Reviews    review.Summary
	Decision   *decision.Decision // the latest, if any
	Extensions []application.Extension
	// Comments and Coverage of the takes shown, by recording id.
	Comments map[int64][]video.Comment
	Coverage map[int64][]video.Coverage
	// CandidateHours are the candidate's waking hours, when a message
	// "in their working hours" goes.
	CandidateHours worktime.Hours
	// RevealWait says, for a member who may reveal a blind job's
	// candidates, why this one cannot be revealed yet; empty when
	// Can.Reveal or when the application is not hidden.
	RevealWait string

	Can Can
}

// Can is what a member may do with an application, decided here once.
type Can struct {
	Rate    bool // their role reviews: they may keep a draft, submitted or not
	Review  bool // Rate, and the candidate has submitted
	Comment bool // Review, and a take shown is ready to play: comment on it at a moment
	Message bool // write to the candidate
	Decide  bool // advance, hold or reject
	Extend  bool // give more time
	Link    bool // email, replace or revoke the candidate's link
	Reveal  bool // show the hidden candidate of a blind job: their role manages jobs and the reviews are in
}

// PendingExtension is the candidate's request for more time waiting for
// an answer, if any.
func (v Team) PendingExtension() *application.Extension { return application.Pending(v.Extensions) }

// SharedStep is the step stepID of kind k with its answer, once the
// application is shared; false before, or for no such step.
func (v Team) SharedStep(stepID int64, k opening.Kind) (Step, bool) {
	if v.Shared {
		for _, st := range v.Steps {
			if st.Step.ID == stepID && st.Step.Kind == k {
				return st, true
			}
		}
	}
	return Step{}, false
}

// ForMember builds application id as m sees it. Another organisation's
// application is not found.
func (s *Service) ForMember(ctx context.Context, m account.Member, id int64) (v Team, err error) {
	defer apperr.Wrap(&err, "appview.ForMember(%d)", id)
	a, err := s.applications.Application(ctx, m, id)
	if err != nil {
		return v, err
	}
	v = Team{App: a, Shared: a.Shared()}
	if v.Interview, err = s.openings.Interview(ctx, m, a.InterviewID); err != nil {
		return v, err
	}
	if v.Job, err = s.openings.Job(ctx, m, a.JobID); err != nil {
		return v, err
	}
	removed, err := s.openings.RemovedSteps(ctx, m.OrgID, a.InterviewID)
	if err != nil {
		return v, err
	}
	// Until the candidate submits these are empty: the team learns which
	// steps are answered and when (Progress), never what.
	answers, err := s.applications.TeamAnswers(ctx, a)
	if err != nil {
		return v, err
	}
	var p Parts
	if p.Takes, err = s.videos.TeamTakes(ctx, a); err != nil {
		return v, err
	}
	if p.Gradings, err = s.gradings.ForTeam(ctx, a); err != nil {
		return v, err
	}
	if p.Activity, err = s.activity.ForTeam(ctx, a); err != nil {
		return v, err
	}
	if p.Files, err = s.files.ForTeam(ctx, a); err != nil {
		return v, err
	}
	if p.Repos, p.Pushes, err = s.takehomes.ForTeam(ctx, a); err != nil {
		return v, err
	}
	p.Deadline, p.Blind = a.DeadlineAt, a.Blind
	if v.Progress, err = s.applications.Progress(ctx, a, v.Interview); err != nil {
		return v, err
	}
	if v.Reviews, err = s.reviews.ForApplication(ctx, m, a.ID); err != nil {
		return v, err
	}
	if v.Extensions, err = s.applications.Extensions(ctx, a.ID); err != nil {
		return v, err
	}
	if v.Decision, err = s.decisions.Latest(ctx, a.ID); err != nil {
		return v, err
	}
	if v.Comments, err = s.videos.ApplicationComments(ctx, m.OrgID, a.ID); err != nil {
		return v, err
	}
	if v.Coverage, err = s.videos.ApplicationCoverage(ctx, m.OrgID, a.ID); err != nil {
		return v, err
	}
	if v.CandidateHours, err = s.messages.CandidateHours(ctx, a); err != nil {
		return v, err
	}
	v.Steps = teamSteps(v.Interview.Steps, removed, answers, p, v.Progress)
	v.total()
	v.Can = canDo(m, a)
	v.Can.Comment = v.Can.Review && v.playable()
	if a.Blind && m.Can(account.ManageJobs) {
		switch err := s.applications.Revealable(ctx, a); {
		case err == nil:
			v.Can.Reveal = true
		case errors.Is(err, apperr.ErrConflict):
			v.RevealWait = apperr.Message(err)
		default:
			return v, err
		}
	}
	return v, nil
}

func teamSteps(current, removed []opening.Step, answers map[int64]application.Answer, parts Parts, p application.Progress) []Step {
	var steps []Step
	for _, st := range current {
		steps = append(steps, buildStep(len(steps)+1, st, false, answers, parts, false))
	}
	for _, st := range removed {
		// A removed step matters only if this candidate answered it.
		if _, ok := answers[st.ID]; ok {
			steps = append(steps, buildStep(len(steps)+1, st, true, answers, parts, false))
		}
	}
	for i := range steps {
		steps[i].SavedAt = p.Answered[steps[i].Step.ID]
	}
	return steps
}

// total adds up the automatic scores once the answers are shared.
func (v *Team) total() {
	for _, st := range v.Steps {
		if sc, ok := opening.As[application.Scorer](st.Step.Kind); ok && !sc.Derived() {
			v.Graded = true
		}
		if st.Step.Kind.Scored() && !st.Removed && v.Shared {
			v.Score, v.Max, v.Scored = v.Score+st.Score, v.Max+st.Max, true
		}
	}
	if v.Scored {
		score, most := v.Score, v.Max
		v.App.Score, v.App.MaxScore = &score, &most
	}
}

// canDo decides what m may do with a: their role's permissions, and
// where the application stands.
func canDo(m account.Member, a application.Application) Can {
	var c Can
	c.Rate = m.Can(account.Review)
	c.Review = c.Rate && a.Shared()
	c.Message = m.Can(account.MessageCandidates) && a.Status != application.Withdrawn
	c.Decide = m.Can(account.ManageJobs) && m.Can(account.MessageCandidates) &&
		(a.Status == application.Submitted || a.Status == application.Decided)
	c.Extend = m.Can(account.InviteCandidates) && a.Answering()
	c.Link = m.Can(account.InviteCandidates) && a.Status != application.Withdrawn
	return c
}

// playable reports whether a take shown is ready to play.
func (v Team) playable() bool {
	for _, st := range v.Steps {
		if st.Take != nil && st.Take.Status == video.Ready {
			return true
		}
	}
	return false
}

// NextWaking is when a message "in their working hours" would reach the
// candidate if sent at now.
func (v Team) NextWaking(now time.Time) time.Time { return v.CandidateHours.Next(now) }

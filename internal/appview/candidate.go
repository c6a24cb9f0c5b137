package appview

import (
	"context"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/video"
)

// Candidate is an application as its candidate sees it: never a score,
// which option is correct, a hidden test, or a decision whose message
// has not reached them.
type Candidate struct {
	App       application.Application
	Org       account.Org
	Job       opening.Job
	Interview opening.Interview
	// Steps are the interview's steps with the candidate's answers, takes
	// and gradings (hidden tests' details left out).
	Steps  []Step
	Videos video.TeamVideos // the team's intro, outro and prompt videos
	Unread int              // the team's messages the candidate has not read
	// Decision is the latest decision the candidate has learnt of: one
	// whose message goes later stays the team's until then.
	Decision *decision.Decision
	// Extensions are the requests for more time and the time granted,
	// newest first.
	Extensions []application.Extension
	Now        time.Time
	// Open: the candidate may still change answers (before the deadline,
	// not submitted, withdrawn or revoked).
	Open bool
}

// ForCandidate builds a as its candidate sees it. The caller has found a
// through the candidate's own link.
func (s *Service) ForCandidate(ctx context.Context, a application.Application) (v Candidate, err error) {
	defer apperr.Wrap(&err, "appview.ForCandidate(%d)", a.ID)
	v = Candidate{App: a, Now: s.applications.Now(), Open: s.applications.CanAnswer(a) == nil}
	if v.Org, err = s.accounts.Org(ctx, a.OrgID); err != nil {
		return v, err
	}
	if v.Job, err = s.openings.JobInOrg(ctx, a.OrgID, a.JobID); err != nil {
		return v, err
	}
	if v.Interview, err = s.openings.InterviewInOrg(ctx, a.OrgID, a.InterviewID); err != nil {
		return v, err
	}
	answers, err := s.applications.Answers(ctx, a.ID)
	if err != nil {
		return v, err
	}
	var p Parts
	if p.Takes, err = s.videos.CandidateTakes(ctx, a); err != nil {
		return v, err
	}
	if p.Gradings, err = s.gradings.ForApplication(ctx, a.ID); err != nil {
		return v, err
	}
	if p.Activity, err = s.activity.ForApplication(ctx, a.ID); err != nil {
		return v, err
	}
	if p.Files, err = s.files.ForApplication(ctx, a.ID); err != nil {
		return v, err
	}
	if p.Repos, p.Pushes, err = s.takehomes.ForCandidate(ctx, a.ID); err != nil {
		return v, err
	}
	p.Deadline = a.DeadlineAt
	for i, st := range v.Interview.Steps {
		v.Steps = append(v.Steps, buildStep(i+1, st, false, answers, p, true))
	}
	if v.Videos, err = s.videos.InterviewVideos(ctx, a.OrgID, a.InterviewID); err != nil {
		return v, err
	}
	if v.Unread, err = s.messages.Unread(ctx, a); err != nil {
		return v, err
	}
	if v.Decision, err = s.decisions.ForCandidate(ctx, a.ID); err != nil {
		return v, err
	}
	if v.Extensions, err = s.applications.Extensions(ctx, a.ID); err != nil {
		return v, err
	}
	// Reviewers' feedback on take-home work reaches the candidate with
	// the decision, never before.
	if v.Status() == application.Decided {
		for i, st := range v.Steps {
			if st.Repo == nil {
				continue
			}
			if v.Steps[i].Feedback, err = s.takehomes.Comments(ctx, a.ID, st.Step.ID, true); err != nil {
				return v, err
			}
		}
	}
	return v, nil
}

// Status is where the application stands as the candidate may know it:
// decided only once the decision's message has reached them, submitted
// until then.
func (v Candidate) Status() application.Status {
	if v.App.Status == application.Decided && v.Decision == nil {
		return application.Submitted
	}
	return v.App.Status
}

// Submitted reports whether the answers were sent to the team.
func (v Candidate) Submitted() bool {
	return v.App.Status == application.Submitted || v.App.Status == application.Decided
}

// CanWithdraw reports whether the candidate may still withdraw: until
// they submit, whatever else is pending.
func (v Candidate) CanWithdraw() bool { return v.App.Answering() && v.App.RevokedAt == nil }

// PendingExtension is the candidate's request for more time that waits
// for the team, if any.
func (v Candidate) PendingExtension() *application.Extension {
	return application.Pending(v.Extensions)
}

// CanAskForTime reports whether the candidate may ask for more time: not
// after submitting, and not with a request waiting.
func (v Candidate) CanAskForTime() bool { return v.CanWithdraw() && v.PendingExtension() == nil }

// Answered is how many steps hold an answer.
func (v Candidate) Answered() int {
	n := 0
	for _, st := range v.Steps {
		if st.Answered {
			n++
		}
	}
	return n
}

// Preview builds interview id as a candidate will see it before they
// start, for member m to try: a pretend application in m's name, open,
// with no answers, deadline the interview's days from now in zone.
func (s *Service) Preview(ctx context.Context, m account.Member, id int64, zone string) (v Candidate, err error) {
	defer apperr.Wrap(&err, "appview.Preview(%d)", id)
	v = Candidate{Now: s.applications.Now(), Open: true}
	if v.Interview, err = s.openings.Interview(ctx, m, id); err != nil {
		return v, err
	}
	if v.Job, err = s.openings.Job(ctx, m, v.Interview.JobID); err != nil {
		return v, err
	}
	if v.Org, err = s.accounts.Org(ctx, m.OrgID); err != nil {
		return v, err
	}
	if v.Videos, err = s.videos.InterviewVideos(ctx, m.OrgID, id); err != nil {
		return v, err
	}
	v.App = application.Application{OrgID: m.OrgID, JobID: v.Job.ID, InterviewID: id, Status: application.Invited,
		Candidate: application.Candidate{Name: m.Name, Email: m.Email}, InvitedAt: v.Now,
		DeadlineAt: v.Now.AddDate(0, 0, v.Interview.DeadlineDays), TimeZone: zone}
	for i, st := range v.Interview.Steps {
		v.Steps = append(v.Steps, buildStep(i+1, st, false, nil, Parts{}, true))
	}
	return v, nil
}

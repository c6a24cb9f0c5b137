package grading

import (
	"context"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/limit"
	"github.com/anyhour/anyhour/internal/opening"
)

// Limits on candidates' runs of the visible tests, and on the team's tries
// of reference solutions: one at a time per application (or per member)
// and RunsPerMinute a minute. Both are counted in the database (package
// limit), so that they hold across every anyhour process.
const (
	RunsPerMinute = 12
	runWindow     = time.Minute
	// runHoldMargin is how long the hold of a run outlasts the run's time
	// budget. A run is stopped at its budget, so a hold is left behind
	// only by a process that died, and frees the application soon after.
	runHoldMargin = 30 * time.Second
)

// runLimits names the scopes of one kind of run: the hold that makes it
// one at a time, and the count per minute.
type runLimits struct{ oneAtATime, perMinute string }

var (
	candidateRuns = runLimits{oneAtATime: "code_run", perMinute: "code_runs"}
	teamTries     = runLimits{oneAtATime: "code_try", perMinute: "code_tries"}
)

// Run runs code against a step's visible tests and cases only, for the
// candidate's "Run" button, and returns the results. It is not saved.
// One run per application at a time, and RunsPerMinute a minute.
func (s *Service) Run(ctx context.Context, a application.Application, stepID int64, language, code string) (_ grader.Outcome, err error) {
	defer apperr.Wrap(&err, "grading.Run(%d)", stepID)
	if err := s.applications.CanAnswer(a); err != nil {
		return grader.Outcome{}, err
	}
	iv, err := s.openings.InterviewInOrg(ctx, a.OrgID, a.InterviewID)
	if err != nil {
		return grader.Outcome{}, err
	}
	step, ok := iv.Step(stepID)
	if !ok {
		return grader.Outcome{}, apperr.NotFound("step")
	}
	if step.Kind != opening.KindCode {
		return grader.Outcome{}, apperr.Invalid("step_id", "step %d is not a coding task", stepID)
	}
	if len(step.Code.Unready()) > 0 {
		return grader.Outcome{}, application.ErrTaskNotReady
	}
	lang := opening.Language(language)
	if !step.Code.Supports(lang) {
		return grader.Outcome{}, apperr.Invalid("language", "this task is answered in one of its languages, not %q", language)
	}
	if len(code) > application.MaxCode {
		return grader.Outcome{}, apperr.New(apperr.ErrTooLarge, "the code is longer than %d KB", application.MaxCode/1000)
	}
	g, err := s.getGrader()
	if err != nil {
		return grader.Outcome{}, err
	}
	suite := Suite(step, lang, code, false)
	budget := s.budget(suite)
	done, err := s.startRun(ctx, candidateRuns, a.ID, budget)
	if err != nil {
		return grader.Outcome{}, err
	}
	defer done()
	out, err := s.gradeWithin(ctx, KindRun, g, suite, budget)
	if err != nil {
		return grader.Outcome{}, err
	}
	return out.ForCandidate(), nil
}

// startRun holds key (an application, a member) for one run that may
// take budget, and counts the run against RunsPerMinute; done gives the
// hold back. The hold comes first, so that runs refused because one is
// going use none of the minute's.
func (s *Service) startRun(ctx context.Context, l runLimits, key int64, budget time.Duration) (done func(), err error) {
	now := s.now()
	k := strconv.FormatInt(key, 10)
	hold, ok, err := s.limits.Take(ctx, now, limit.Rule{Scope: l.oneAtATime, Max: 1, Window: budget + runHoldMargin}, k)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.New(apperr.ErrRateLimited, "a run is already going; wait for its results")
	}
	// Should giving the hold back fail (the database gone), the hold ends
	// with its window, a little after the run's budget.
	done = func() { _ = hold.Give(context.WithoutCancel(ctx)) }
	_, ok, err = s.limits.Take(ctx, now, limit.Rule{Scope: l.perMinute, Max: RunsPerMinute, Window: runWindow}, k)
	if err != nil || !ok {
		done()
		if err == nil {
			err = apperr.New(apperr.ErrRateLimited, "that is %d runs in a minute; wait a moment before the next", RunsPerMinute)
		}
		return nil, err
	}
	return done, nil
}

// gradeWithin grades suite, stopping at budget: a run must not outlive its
// hold (startRun), or another could start beside it. One stopped so has
// timed out. The observer hears it as a grading of kind.
func (s *Service) gradeWithin(ctx context.Context, kind string, g engine, suite grader.Suite, budget time.Duration) (grader.Outcome, error) {
	over := &overBudgetError{budget}
	ctx, cancel := context.WithTimeoutCause(ctx, budget, over)
	defer cancel()
	start := time.Now()
	out, err := g.Grade(ctx, suite)
	if context.Cause(ctx) == over {
		s.observed(ctx, kind, start, over)
		return grader.Outcome{TimedOut: true, Wall: budget}, nil
	}
	s.observed(ctx, kind, start, err)
	return out, err
}

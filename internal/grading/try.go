package grading

import (
	"context"
	"slices"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
)

// Try grades code against every test of a coding task, hidden ones
// included, for the team to check a reference solution before the task
// is saved or published. step is the task as edited, checked here as
// saving it would check it; i is its index, for messages. Nothing is
// stored. A member has one try at a time and RunsPerMinute a minute.
func (s *Service) Try(ctx context.Context, actor account.Member, i int, step opening.Step, language, code string) (_ grader.Outcome, err error) {
	defer apperr.Wrap(&err, "grading.Try")
	if !actor.Can(account.ManageJobs) {
		return grader.Outcome{}, apperr.Forbidden("your role cannot edit coding tasks")
	}
	step, err = opening.CheckStep(i, step)
	if err != nil {
		return grader.Outcome{}, err
	}
	lang := opening.Language(language)
	if !step.Code.Supports(lang) {
		return grader.Outcome{}, apperr.Invalid("language", "choose one of the task's languages for the reference solution")
	}
	if len(code) > application.MaxCode {
		return grader.Outcome{}, apperr.New(apperr.ErrTooLarge, "the code is longer than %d KB", application.MaxCode/1000)
	}
	g, err := s.getGrader()
	if err != nil {
		return grader.Outcome{}, err
	}
	suite := Suite(step, lang, code, true)
	budget := s.budget(suite)
	done, err := s.startRun(ctx, teamTries, actor.ID, budget)
	if err != nil {
		return grader.Outcome{}, err
	}
	defer done()
	return s.gradeWithin(ctx, KindTry, g, suite, budget)
}

// Check tries a reference solution against every test of the saved code
// step stepID, as Try does, and when it passes them all records so
// (opening.Service.RecordCheck): a coding step goes to candidates only
// with every language's tests checked this way. checked is whether it
// was recorded.
func (s *Service) Check(ctx context.Context, actor account.Member, interviewID, stepID int64, language, code string) (out grader.Outcome, checked bool, err error) {
	iv, err := s.openings.Interview(ctx, actor, interviewID)
	if err != nil {
		return out, false, err
	}
	i := slices.IndexFunc(iv.Steps, func(st opening.Step) bool { return st.ID == stepID && st.Kind == opening.KindCode })
	if i < 0 {
		return out, false, apperr.NotFound("coding step")
	}
	step := iv.Steps[i]
	if out, err = s.Try(ctx, actor, i, step, language, code); err != nil || !PassedAll(out) {
		return out, false, err
	}
	checked, err = s.openings.RecordCheck(ctx, actor, interviewID, stepID, opening.Language(language), step.Code.Fingerprint(opening.Language(language)), s.now())
	return out, checked, err
}

// PassedAll reports whether a grading passed every test, within the limits.
func PassedAll(o grader.Outcome) bool {
	if len(o.Tests) == 0 || o.CompileError != "" || o.TimedOut || o.MemoryExceeded {
		return false
	}
	for _, t := range o.Tests {
		if !t.Passed {
			return false
		}
	}
	return true
}

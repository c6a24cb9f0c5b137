package coding

import (
	"context"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/interview"
	"github.com/anyhour/anyhour/internal/opening"
)

// Try grades code against every test of a coding task, hidden ones
// included, for the team to check a reference solution before the task
// is saved or published. step is the task as edited, checked here as
// saving it would check it; i is its index, for messages. Nothing is
// stored. A member has one try at a time and RunsPerMinute a minute.
func (s *Service) Try(ctx context.Context, actor account.Member, i int, step opening.Step, language, code string) (grading.Outcome, error) {
	if !actor.Can(account.ManageJobs) {
		return grading.Outcome{}, apperr.Forbidden("your role cannot edit coding tasks")
	}
	step, err := opening.CheckStep(i, step)
	if err != nil {
		return grading.Outcome{}, err
	}
	lang := opening.Language(language)
	if !step.Code.Supports(lang) {
		return grading.Outcome{}, apperr.Invalid("language", "choose one of the task's languages for the reference solution")
	}
	if len(code) > interview.MaxCode {
		return grading.Outcome{}, apperr.New(apperr.ErrTooLarge, "the code is longer than %d KB", interview.MaxCode/1000)
	}
	g, err := s.getGrader()
	if err != nil {
		return grading.Outcome{}, err
	}
	done, err := s.tries.start(actor.ID, s.now())
	if err != nil {
		return grading.Outcome{}, err
	}
	defer done()
	return g.Grade(ctx, Suite(step, lang, code, true))
}

package grading

import (
	"context"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
)

// Limits on candidates' runs of the visible tests.
const (
	RunsPerMinute = 12
	runWindow     = time.Minute
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
	done, err := s.runs.start(a.ID, s.now())
	if err != nil {
		return grader.Outcome{}, err
	}
	defer done()
	start := time.Now()
	out, err := g.Grade(ctx, Suite(step, lang, code, false))
	s.observed(ctx, KindRun, start, err)
	if err != nil {
		return grader.Outcome{}, err
	}
	return out.ForCandidate(), nil
}

// runLimiter allows one run per application at a time and RunsPerMinute
// in any minute. It is per process: several servers allow that many each.
type runLimiter struct {
	mu      sync.Mutex
	running map[int64]bool
	recent  map[int64][]time.Time
}

func newRunLimiter() runLimiter {
	return runLimiter{running: map[int64]bool{}, recent: map[int64][]time.Time{}}
}

func (l *runLimiter) start(appID int64, now time.Time) (done func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running[appID] {
		return nil, apperr.New(apperr.ErrRateLimited, "a run is already going; wait for its results")
	}
	var kept []time.Time
	for _, t := range l.recent[appID] {
		if now.Sub(t) < runWindow {
			kept = append(kept, t)
		}
	}
	if len(kept) >= RunsPerMinute {
		return nil, apperr.New(apperr.ErrRateLimited, "that is %d runs in a minute; wait a moment before the next", RunsPerMinute)
	}
	l.recent[appID] = append(kept, now)
	l.running[appID] = true
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.running, appID)
		if len(l.recent[appID]) == 0 {
			delete(l.recent, appID)
		}
	}, nil
}

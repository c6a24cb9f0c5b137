package grading

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// checkEvery is how often a running grading looks for a newer save of
// its answer. A look is one read by primary key; when it finds one, the
// grading's context ends, which kills its sandbox run, so a grading made
// worthless by a new save frees its slot within about this long. It works
// across processes: the save may be served anywhere.
const checkEvery = 500 * time.Millisecond

// errSuperseded ends a grading whose answer the candidate saved again.
var errSuperseded = errors.New("coding: a newer save replaced the answer being graded")

// watch returns ctx, cancelled with errSuperseded once the grading p has
// a newer attempt (or is gone), and a stop that ends the watching.
func (s *Service) watch(ctx context.Context, p gradePayload) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(s.checkEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			newer, err := s.superseded(ctx, p)
			if err != nil {
				continue // looked again at the next tick
			}
			if s.checked != nil {
				s.checked(newer)
			}
			if newer {
				cancel(errSuperseded)
				return
			}
		}
	})
	return ctx, func() {
		close(done)
		wg.Wait()
		cancel(nil)
	}
}

// superseded reports whether the answer p grades was saved again since.
func (s *Service) superseded(ctx context.Context, p gradePayload) (bool, error) {
	var attempt int
	err := s.db.QueryRow(ctx, `SELECT attempt FROM gradings WHERE application_id = $1 AND step_id = $2`,
		p.ApplicationID, p.StepID).Scan(&attempt)
	if errors.Is(err, sqldb.ErrNotFound) {
		return true, nil
	}
	return attempt != p.Attempt, err
}

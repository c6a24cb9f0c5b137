package matching

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// TaskCompare is the queue task that compares a step's answers.
const TaskCompare = "similarity.compare"

// settle is how long a comparison waits after it is queued: several
// candidates submitting at once (or the team adding three references)
// make one comparison, not several.
const settle = 5 * time.Second

type comparePayload struct {
	StepID  int64 `json:"step_id"`
	Attempt int   `json:"attempt"`
}

// QueueOnSubmit queues a comparison of every code and take-home step of
// an application's interview when the candidate submits, in the
// submission's transaction (an application.StatusHook). A take-home's
// last push is the one before the submission: the repository takes no
// push after it.
func (s *Service) QueueOnSubmit(ctx context.Context, tx *sqldb.DB, a application.Application) (err error) {
	defer apperr.Wrap(&err, "matching.QueueOnSubmit(%d)", a.ID)
	if a.Status != application.Submitted {
		return nil
	}
	ids, err := tx.IDs(ctx, `SELECT id FROM steps WHERE interview_id = $1 AND kind IN ('code', 'takehome') AND removed_at IS NULL ORDER BY id`,
		a.InterviewID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.queue(ctx, tx, a.OrgID, id); err != nil {
			return err
		}
	}
	return nil
}

// queue marks step stepID's comparison queued and queues it, after the
// settle delay, one at a time per step.
func (s *Service) queue(ctx context.Context, tx *sqldb.DB, orgID, stepID int64) error {
	var attempt int
	err := tx.WriteRow(ctx, `INSERT INTO similarity_steps (step_id, org_id, status, attempt, updated_at) VALUES ($1, $2, 'queued', 1, $3)
		ON CONFLICT (step_id) DO UPDATE SET status = 'queued', attempt = similarity_steps.attempt + 1, updated_at = excluded.updated_at
		RETURNING attempt`, stepID, orgID, s.now()).Scan(&attempt)
	if err != nil {
		return err
	}
	_, err = queue.Enqueue(ctx, tx, TaskCompare, comparePayload{stepID, attempt}, queue.Delay(s.settle),
		queue.SerialKey(fmt.Sprintf("%s:step:%d", TaskCompare, stepID)))
	return err
}

// RegisterTasks registers the comparison task.
func (s *Service) RegisterTasks(w *queue.Worker) { w.Handle(TaskCompare, s.handleCompare) }

func (s *Service) handleCompare(ctx context.Context, t queue.Task) error {
	var p comparePayload
	if err := t.Decode(&p); err != nil {
		return queue.Permanent(err)
	}
	// Claim this attempt; a newer one has its own task.
	res, err := s.db.Exec(ctx, `UPDATE similarity_steps SET status = 'running', updated_at = $1
		WHERE step_id = $2 AND attempt = $3 AND status IN ('queued', 'running')`, s.now(), p.StepID, p.Attempt)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	c, err := s.compareStep(ctx, p.StepID)
	if err != nil {
		if t.Attempt < t.MaxAttempts {
			return err
		}
		slog.WarnContext(ctx, "similarity: comparison failed", slog.Int64("step_id", p.StepID), slog.Any("error", err))
		_, serr := s.db.Exec(ctx, `UPDATE similarity_steps SET status = 'error', error = $1, updated_at = $2 WHERE step_id = $3 AND attempt = $4`,
			"The answers could not be compared: "+apperr.Message(err), s.now(), p.StepID, p.Attempt)
		return serr
	}
	return s.store(ctx, p, c)
}

// compareStep compares step stepID's answers, as its interview is now.
func (s *Service) compareStep(ctx context.Context, stepID int64) (comparison, error) {
	var orgID, ivID int64
	var removed *time.Time
	if err := s.db.QueryRow(ctx, `SELECT org_id, interview_id, removed_at FROM steps WHERE id = $1`, stepID).Scan(&orgID, &ivID, &removed); err != nil {
		return comparison{}, err
	}
	if removed != nil {
		return comparison{}, nil
	}
	iv, err := s.openings.InterviewInOrg(ctx, orgID, ivID)
	if err != nil {
		return comparison{}, err
	}
	st, ok := iv.Step(stepID)
	if !ok || !Compared(st) {
		return comparison{}, nil
	}
	return s.compare(ctx, ivID, st)
}

// store replaces the step's pairs with c's, unless a newer comparison was
// queued meanwhile (its own task stores its pairs).
func (s *Service) store(ctx context.Context, p comparePayload, c comparison) error {
	err := s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var orgID int64
		now := s.now()
		err := tx.WriteRow(ctx, `UPDATE similarity_steps SET status = 'done', submissions = $1, compared = $2, error = '',
			computed_at = $3, updated_at = $3 WHERE step_id = $4 AND attempt = $5 RETURNING org_id`,
			c.submissions, c.compared, now, p.StepID, p.Attempt).Scan(&orgID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM similarity_pairs WHERE step_id = $1`, p.StepID); err != nil {
			return err
		}
		for _, pair := range c.pairs {
			sort.Slice(pair.Fragments, func(i, j int) bool {
				a, b := pair.Fragments[i].Left, pair.Fragments[j].Left
				if a.File != b.File {
					return a.File < b.File
				}
				return a.Start < b.Start
			})
			frags, err := json.Marshal(pair.Fragments)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO similarity_pairs (org_id, step_id, language, left_application_id, right_application_id,
				right_reference_id, similarity, fragments) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				orgID, p.StepID, pair.Language, pair.LeftApplication, nullID(pair.RightApplication), nullID(pair.RightReference),
				pair.Similarity, string(frags)); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil // superseded
	}
	return err
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

package application

import (
	"context"
	"fmt"

	"github.com/anyhour/anyhour/internal/apperr"

	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Rescore sets the score of every answer whose kind scores it from the
// step's settings (a Derived Scorer: choice, from its options), so that a
// corrected option counts at once wherever answers are shown.
func Rescore(steps []opening.Step, answers map[int64]Answer) {
	for _, st := range steps {
		ans, ok := answers[st.ID]
		sc, derived := derivedScorer(st.Kind)
		if !ok || !derived {
			continue
		}
		score, max, _ := sc.Score(st, ans)
		ans.Score, ans.MaxScore = &score, &max
		answers[st.ID] = ans
	}
}

func derivedScorer(k opening.Kind) (Scorer, bool) {
	sc, ok := opening.As[Scorer](k)
	return sc, ok && sc.Derived()
}

// Total adds up the scores of steps scored automatically (Scorer kinds:
// choice from its options, code from its grading, nothing until graded);
// ok is false when no step is scored.
func Total(steps []opening.Step, answers map[int64]Answer) (score, max float64, ok bool) {
	for _, st := range steps {
		sc, scored := opening.As[Scorer](st.Kind)
		if !scored {
			continue
		}
		s, m, known := sc.Score(st, answers[st.ID])
		if known {
			score += s
		}
		max, ok = max+m, true
	}
	return score, max, ok
}

// SetScore stores the score of an answer scored in the background (code,
// once graded), and brings the application's total up to date if it was
// submitted.
func (s *Service) SetScore(ctx context.Context, appID, stepID int64, score, max float64) (err error) {
	defer apperr.Wrap(&err, "application.SetScore(%d)", appID)
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var status Status
		var orgID, ivID int64
		err := tx.QueryRow(ctx, `UPDATE applications SET updated_at = updated_at WHERE id = $1 RETURNING status, org_id, interview_id`,
			appID).Scan(&status, &orgID, &ivID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE answers SET score = $1, max_score = $2 WHERE application_id = $3 AND step_id = $4`,
			score, max, appID, stepID); err != nil {
			return err
		}
		if status != Submitted && status != Decided {
			return nil
		}
		iv, err := s.openings.InterviewInOrg(ctx, orgID, ivID)
		if err != nil {
			return err
		}
		answers, err := answersIn(ctx, tx, appID)
		if err != nil {
			return err
		}
		total, most, ok := Total(iv.Steps, answers)
		if !ok {
			return nil
		}
		_, err = tx.Exec(ctx, `UPDATE applications SET score = $1, max_score = $2 WHERE id = $3`, total, most, appID)
		return err
	})
}

// RegisterTasks registers the background work this package does.
func (s *Service) RegisterTasks(w *queue.Worker) {
	w.Handle(opening.TaskInterviewChanged, s.handleInterviewChanged)
}

func (s *Service) handleInterviewChanged(ctx context.Context, t queue.Task) error {
	var p opening.InterviewChanged
	if err := t.Decode(&p); err != nil {
		return queue.Permanent(err)
	}
	return s.RescoreInterview(ctx, p.OrgID, p.InterviewID)
}

// RescoreInterview brings the stored scores of an interview's answers and
// submitted applications in line with its current steps, after a recruiter
// corrected an option or changed points. It runs as a background task, in
// one transaction per application so a large interview never holds the
// writer for long.
func (s *Service) RescoreInterview(ctx context.Context, orgID, interviewID int64) (err error) {
	defer apperr.Wrap(&err, "application.RescoreInterview(%d)", interviewID)
	iv, err := s.openings.InterviewInOrg(ctx, orgID, interviewID)
	if err != nil {
		return err
	}
	removed, err := s.openings.RemovedSteps(ctx, orgID, interviewID)
	if err != nil {
		return err
	}
	all := append(append([]opening.Step(nil), iv.Steps...), removed...)
	ids, err := s.db.IDs(ctx, `SELECT id FROM applications WHERE interview_id = $1 AND org_id = $2 ORDER BY id`, interviewID, orgID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.rescoreApplication(ctx, id, iv.Steps, all); err != nil {
			return fmt.Errorf("rescore application %d: %w", id, err)
		}
	}
	return nil
}

func (s *Service) rescoreApplication(ctx context.Context, appID int64, current, all []opening.Step) error {
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var status Status
		err := tx.QueryRow(ctx, `UPDATE applications SET updated_at = updated_at WHERE id = $1 RETURNING status`, appID).Scan(&status)
		if err != nil {
			return err
		}
		answers, err := answersIn(ctx, tx, appID)
		if err != nil {
			return err
		}
		Rescore(all, answers)
		for _, st := range all {
			ans, ok := answers[st.ID]
			if _, derived := derivedScorer(st.Kind); !ok || !derived {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE answers SET score = $1, max_score = $2 WHERE application_id = $3 AND step_id = $4`,
				ans.Score, ans.MaxScore, appID, st.ID); err != nil {
				return err
			}
		}
		if status != Submitted && status != Decided {
			return nil
		}
		var score, max *float64
		if sc, mx, ok := Total(current, answers); ok {
			score, max = &sc, &mx
		}
		_, err = tx.Exec(ctx, `UPDATE applications SET score = $1, max_score = $2 WHERE id = $3`, score, max, appID)
		return err
	})
}

package matching

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
)

// Report is a step's comparison as the team reads it: its state, the
// pairs at or above Min, most alike first, and the references.
type Report struct {
	Interview  opening.Interview
	Step       opening.Step
	State      State
	Min        float64
	Pairs      []Pair
	References []Reference
}

// Report returns step stepID's comparison for m, with the pairs at or
// above min (the step's threshold when nil).
func (s *Service) Report(ctx context.Context, m account.Member, stepID int64, min *float64) (_ Report, err error) {
	defer apperr.Wrap(&err, "matching.Report(%d)", stepID)
	iv, st, err := s.step(ctx, m, stepID)
	if err != nil {
		return Report{}, err
	}
	r := Report{Interview: iv, Step: st}
	if r.State, err = s.state(ctx, stepID); err != nil {
		return r, err
	}
	r.Min = r.State.Threshold
	if min != nil {
		if err := CheckThreshold("min", *min); err != nil {
			return r, err
		}
		r.Min = *min
	}
	if r.References, err = s.references(ctx, stepID); err != nil {
		return r, err
	}
	r.Pairs, err = s.pairs(ctx, `p.step_id = $1 AND p.similarity >= $2`, stepID, r.Min)
	return r, err
}

const pairColumns = `p.id, p.step_id, p.language, p.left_application_id, COALESCE(p.right_application_id, 0),
	COALESCE(p.right_reference_id, 0), p.similarity, p.fragments, l.team_name, COALESCE(r.team_name, f.name, '')`

// pairs lists the pairs where holds, most alike first, with their names.
func (s *Service) pairs(ctx context.Context, where string, args ...any) ([]Pair, error) {
	rows, err := s.db.Query(ctx, `SELECT `+pairColumns+` FROM similarity_pairs p
		JOIN applications l ON l.id = p.left_application_id
		LEFT JOIN applications r ON r.id = p.right_application_id
		LEFT JOIN similarity_references f ON f.id = p.right_reference_id
		WHERE `+where+` ORDER BY p.similarity DESC, p.left_application_id, p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Pair
	for rows.Next() {
		var p Pair
		var frags string
		if err := rows.Scan(&p.ID, &p.StepID, &p.Language, &p.LeftApplication, &p.RightApplication, &p.RightReference,
			&p.Similarity, &frags, &p.LeftName, &p.RightName); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(frags), &p.Fragments); err != nil {
			return nil, fmt.Errorf("pair %d's fragments: %w", p.ID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Highest returns, by step, the most alike pair application appID is in,
// whatever its similarity (from Floor up), for m; none before the
// candidate submits, as nothing of theirs is compared until then.
func (s *Service) Highest(ctx context.Context, m account.Member, orgID, appID int64) (_ map[int64]Pair, err error) {
	defer apperr.Wrap(&err, "matching.Highest(%d)", appID)
	if orgID != m.OrgID || !m.Can(account.ViewApplications) {
		return nil, apperr.NotFound("application")
	}
	ps, err := s.pairs(ctx, `p.org_id = $1 AND (p.left_application_id = $2 OR p.right_application_id = $2)`, orgID, appID)
	if err != nil {
		return nil, err
	}
	out := map[int64]Pair{}
	for _, p := range ps {
		if _, ok := out[p.StepID]; !ok { // most alike first
			out[p.StepID] = p
		}
	}
	return out, nil
}

// Thresholds returns the thresholds of an interview's compared steps, by
// step.
func (s *Service) Thresholds(ctx context.Context, m account.Member, iv opening.Interview) (_ map[int64]float64, err error) {
	defer apperr.Wrap(&err, "matching.Thresholds(%d)", iv.ID)
	out := map[int64]float64{}
	if iv.OrgID != m.OrgID {
		return out, apperr.NotFound("interview")
	}
	for _, st := range iv.Steps {
		if Compared(st) {
			out[st.ID] = DefaultThreshold
		}
	}
	rows, err := s.db.Query(ctx, `SELECT t.step_id, t.threshold FROM similarity_steps t JOIN steps s ON s.id = t.step_id
		WHERE s.interview_id = $1`, iv.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t float64
		if err := rows.Scan(&id, &t); err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}

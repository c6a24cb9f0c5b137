package opening

import (
	"context"
	"fmt"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/plaintext"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Criterion is a quality reviewers rate on an interview's scorecard, for
// instance "Explains trade-offs", with what a 1, a 3 and a 5 look like.
// The steps that inform it say so (Step.Criteria); a step that informs
// none is rated "Overall", as every step was before scorecards.
type Criterion struct {
	ID          int64
	Name        string
	Description string
	Levels      [3]string // what a 1, a 3 and a 5 look like
}

// Overall is the name of the rating a step gets when it informs no
// criterion; no criterion may take it.
const Overall = "Overall"

// MaxCriteria is the most criteria a scorecard holds: more would be a
// questionnaire, not a scorecard.
const MaxCriteria = 20

// Criterion returns the interview's criterion with id, if it has it.
func (iv Interview) Criterion(id int64) (Criterion, bool) {
	for _, c := range iv.Criteria {
		if c.ID == id {
			return c, true
		}
	}
	return Criterion{}, false
}

// Informs reports whether the step informs criterion id.
func (s Step) Informs(id int64) bool {
	for _, c := range s.Criteria {
		if c == id {
			return true
		}
	}
	return false
}

// ScorecardInput is a whole scorecard, as the team saves it.
type ScorecardInput struct {
	// Criteria in their order; ID is an existing criterion's (renamed or
	// reworded), 0 a new one. Existing criteria left out are taken off.
	Criteria []CriterionInput
	// Steps names the criteria each step informs.
	Steps map[int64][]string
}

// CriterionInput is one criterion of a ScorecardInput.
type CriterionInput struct {
	ID          int64
	Name        string
	Description string
	Levels      [3]string
}

// SetScorecard replaces interview id's scorecard. A criterion taken off
// keeps its ratings, which are no longer shown or asked for.
func (s *Service) SetScorecard(ctx context.Context, actor account.Member, id int64, in ScorecardInput) (_ Interview, err error) {
	defer apperr.Wrap(&err, "opening.SetScorecard(%d)", id)
	if !actor.Can(account.ManageJobs) {
		return Interview{}, apperr.Forbidden("your role cannot edit interviews")
	}
	crit, err := checkCriteria(in.Criteria)
	if err != nil {
		return Interview{}, err
	}
	var iv Interview
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `UPDATE interviews SET updated_at = updated_at WHERE id = $1 AND org_id = $2`, id, actor.OrgID); err != nil {
			return err
		}
		var err error
		if iv, err = s.loadInterview(ctx, tx, actor.OrgID, id); err != nil {
			return err
		}
		byName := map[string]int64{}
		kept := map[int64]bool{}
		now := s.now()
		for i, c := range crit {
			if c.ID != 0 {
				if _, ok := iv.Criterion(c.ID); !ok {
					return apperr.Invalid(fmt.Sprintf("criteria[%d].id", i), "criterion %d is not on this scorecard", c.ID)
				}
				if _, err := tx.Exec(ctx, `UPDATE criteria SET position = $1, name = $2, description = $3, level1 = $4, level3 = $5, level5 = $6
					WHERE id = $7`, i, c.Name, c.Description, c.Levels[0], c.Levels[1], c.Levels[2], c.ID); err != nil {
					return err
				}
			} else if err := tx.WriteRow(ctx, `INSERT INTO criteria (org_id, interview_id, position, name, description, level1, level3, level5, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, actor.OrgID, id, i, c.Name, c.Description,
				c.Levels[0], c.Levels[1], c.Levels[2], now).Scan(&c.ID); err != nil {
				return err
			}
			kept[c.ID] = true
			byName[strings.ToLower(c.Name)] = c.ID
		}
		for _, c := range iv.Criteria {
			if !kept[c.ID] {
				if _, err := tx.Exec(ctx, `UPDATE criteria SET removed_at = $1 WHERE id = $2`, now, c.ID); err != nil {
					return err
				}
			}
		}
		for stepID, names := range in.Steps {
			if _, ok := iv.Step(stepID); !ok {
				return apperr.Invalid("steps", "step %d is not part of this interview", stepID)
			}
			for _, n := range names {
				if _, ok := byName[strings.ToLower(strings.TrimSpace(n))]; !ok {
					return apperr.Invalid("steps", "%q is not a criterion of this scorecard", n)
				}
			}
		}
		for _, st := range iv.Steps {
			if _, err := tx.Exec(ctx, `DELETE FROM step_criteria WHERE step_id = $1`, st.ID); err != nil {
				return err
			}
			seen := map[int64]bool{}
			for _, n := range in.Steps[st.ID] {
				cid := byName[strings.ToLower(strings.TrimSpace(n))]
				if seen[cid] {
					continue
				}
				seen[cid] = true
				if _, err := tx.Exec(ctx, `INSERT INTO step_criteria (step_id, criterion_id) VALUES ($1, $2)`, st.ID, cid); err != nil {
					return err
				}
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE interviews SET updated_at = $1 WHERE id = $2`, now, id); err != nil {
			return err
		}
		if iv, err = s.loadInterview(ctx, tx, actor.OrgID, id); err != nil {
			return err
		}
		names := make([]string, len(iv.Criteria))
		for i, c := range iv.Criteria {
			names[i] = c.Name
		}
		return s.accounts.Audit(ctx, tx, actor, "interview.scorecard", fmt.Sprintf("interview %d (%s)", iv.ID, iv.Title), strings.Join(names, ", "), "")
	})
	return iv, err
}

// checkCriteria checks and trims the criteria: names present, apart
// (ignoring case) and not "Overall", at most MaxCriteria.
func checkCriteria(in []CriterionInput) ([]CriterionInput, error) {
	if len(in) > MaxCriteria {
		return nil, apperr.Invalid("criteria", "a scorecard holds at most %d criteria; keep the ones that decide", MaxCriteria)
	}
	out := make([]CriterionInput, len(in))
	seen := map[string]int{}
	for i, c := range in {
		at := fmt.Sprintf("criteria[%d]", i)
		var err error
		if c.Name, err = (plaintext.Field{Name: at + ".name", Label: fmt.Sprintf("criterion %d's name", i+1), Max: 80, Required: true}).Check(c.Name); err != nil {
			return nil, err
		}
		if strings.EqualFold(c.Name, Overall) {
			return nil, apperr.Invalid(at+".name", "%q is the rating of a step that informs no criterion; name the criterion for what it judges", Overall)
		}
		if j, ok := seen[strings.ToLower(c.Name)]; ok {
			return nil, apperr.Invalid(at+".name", "criteria %d and %d are both called %q; give each its own name", j+1, i+1, c.Name)
		}
		seen[strings.ToLower(c.Name)] = i
		if c.Description, err = (plaintext.Field{Name: at + ".description", Label: fmt.Sprintf("criterion %d's description", i+1), Max: 1000, Multiline: true}).Check(c.Description); err != nil {
			return nil, err
		}
		for k, n := range []int{1, 3, 5} {
			if c.Levels[k], err = (plaintext.Field{Name: fmt.Sprintf("%s.levels.%d", at, n), Label: fmt.Sprintf("what a %d looks like for criterion %d", n, i+1), Max: 300, Multiline: true}).Check(c.Levels[k]); err != nil {
				return nil, err
			}
		}
		out[i] = c
	}
	return out, nil
}

// loadScorecard fills in iv's criteria and which its steps inform.
func loadScorecard(ctx context.Context, db *sqldb.DB, iv *Interview) error {
	rows, err := db.Query(ctx, `SELECT id, name, description, level1, level3, level5 FROM criteria
		WHERE interview_id = $1 AND removed_at IS NULL ORDER BY position, id`, iv.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	iv.Criteria = nil
	for rows.Next() {
		var c Criterion
		if err := rows.Scan(&c.ID, &c.Name, &c.Description, &c.Levels[0], &c.Levels[1], &c.Levels[2]); err != nil {
			return err
		}
		iv.Criteria = append(iv.Criteria, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if len(iv.Criteria) == 0 {
		return nil
	}
	links, err := db.Query(ctx, `SELECT sc.step_id, sc.criterion_id FROM step_criteria sc
		JOIN criteria c ON c.id = sc.criterion_id WHERE c.interview_id = $1 AND c.removed_at IS NULL
		ORDER BY c.position, c.id`, iv.ID)
	if err != nil {
		return err
	}
	defer links.Close()
	at := map[int64]int{}
	for i, st := range iv.Steps {
		at[st.ID] = i
	}
	for links.Next() {
		var step, crit int64
		if err := links.Scan(&step, &crit); err != nil {
			return err
		}
		if i, ok := at[step]; ok {
			iv.Steps[i].Criteria = append(iv.Steps[i].Criteria, crit)
		}
	}
	return links.Err()
}

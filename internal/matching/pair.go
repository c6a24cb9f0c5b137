package matching

import (
	"context"
	"errors"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/similarity"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// PairView is a pair as the team opens it: both submissions whole, the
// fragments that match, and the starter set aside.
type PairView struct {
	Interview   opening.Interview
	Step        opening.Step
	Pair        Pair // without fragments when the two are not alike enough to be kept
	Found       bool // the pair is kept (at or above Floor)
	Left, Right Submission
	// Template is the code the team gave in the pair's language.
	Template []similarity.File
}

// Pair opens step stepID's pair of application left and application
// right, or of application left and reference ref (right 0). Either must
// have submitted an answer to the step.
func (s *Service) Pair(ctx context.Context, m account.Member, stepID, left, right, ref int64) (_ PairView, err error) {
	defer apperr.Wrap(&err, "matching.Pair(%d, %d, %d, %d)", stepID, left, right, ref)
	iv, st, err := s.step(ctx, m, stepID)
	if err != nil {
		return PairView{}, err
	}
	v := PairView{Interview: iv, Step: st, Pair: Pair{StepID: stepID, LeftApplication: left, RightApplication: right, RightReference: ref}}
	if (right == 0) == (ref == 0) || left == right {
		return v, apperr.Invalid("right", "a pair is two applications, or an application and a reference")
	}
	if v.Pair.LeftName, v.Left, err = s.side(ctx, iv, st, left); err != nil {
		return v, err
	}
	if right != 0 {
		if v.Pair.RightName, v.Right, err = s.side(ctx, iv, st, right); err != nil {
			return v, err
		}
	} else {
		var r Reference
		err := s.db.QueryRow(ctx, `SELECT id, name, language, code FROM similarity_references WHERE id = $1 AND step_id = $2`, ref, stepID).
			Scan(&r.ID, &r.Name, &r.Language, &r.Code)
		if errors.Is(err, sqldb.ErrNotFound) {
			return v, apperr.New(apperr.ErrNotFound, "reference %d is not one of this step's", ref)
		}
		if err != nil {
			return v, err
		}
		v.Pair.RightName, v.Right = r.Name, referenceSubmission(r)
	}
	v.Pair.Language = v.Left.Language
	v.Template = Template(st, v.Left.Language)
	ps, err := s.pairs(ctx, `p.step_id = $1 AND ((p.left_application_id = $2 AND (p.right_application_id = $3 OR p.right_reference_id = $4))
		OR (p.left_application_id = $3 AND p.right_application_id = $2))`, stepID, left, right, ref)
	if err != nil || len(ps) == 0 {
		return v, err
	}
	p := ps[0]
	if p.LeftApplication != left { // stored the other way round
		p.LeftApplication, p.RightApplication, p.LeftName, p.RightName = p.RightApplication, p.LeftApplication, p.RightName, p.LeftName
		for i := range p.Fragments {
			p.Fragments[i].Left, p.Fragments[i].Right = p.Fragments[i].Right, p.Fragments[i].Left
		}
	}
	v.Pair, v.Found = p, true
	return v, nil
}

// side reads application appID's submission to st, refusing one that is
// not the interview's or has not submitted.
func (s *Service) side(ctx context.Context, iv opening.Interview, st opening.Step, appID int64) (string, Submission, error) {
	var name string
	err := s.db.QueryRow(ctx, `SELECT team_name FROM applications WHERE id = $1 AND interview_id = $2 AND org_id = $3
		AND submitted_at IS NOT NULL`, appID, iv.ID, iv.OrgID).Scan(&name)
	if errors.Is(err, sqldb.ErrNotFound) {
		return "", Submission{}, apperr.New(apperr.ErrNotFound, "application %d has no submitted answer to this step", appID)
	}
	if err != nil {
		return "", Submission{}, err
	}
	sub, ok, err := s.submission(ctx, st, appID)
	if err != nil {
		return name, sub, err
	}
	if !ok {
		return name, sub, apperr.New(apperr.ErrNotFound, "application %d has no code in this step", appID)
	}
	return name, sub, nil
}

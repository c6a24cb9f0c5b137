package application

import (
	"context"
	"encoding/json"
	"math"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// CodeReview is a code-review answer: the candidate's comments on lines
// of the change and their summary of it.
type CodeReview struct {
	Comments []LineComment `json:"comments"`
	Summary  string        `json:"summary,omitempty"`
}

// LineComment is a comment on a range of lines of one file of the change,
// on its new side, or its old side for removed lines.
type LineComment struct {
	File      string `json:"file"`
	Side      string `json:"side"`
	LineStart int    `json:"line_start"`
	LineEnd   int    `json:"line_end"`
	Body      string `json:"body"`
}

// Verdicts a reviewer gives on a code-review answer.
const (
	Confirmed = "confirmed" // the comments matched to a planted issue found it
	Rejected  = "rejected"  // they are on its lines but miss it
	Credited  = "credited"  // a comment found something not planted, worth Points
)

// Mark is a reviewer's word on a submitted code-review answer: the match
// of a planted issue confirmed or rejected, or a comment credited. A
// later mark on the same planted issue or comment replaces the earlier;
// Verdict "" takes it back.
type Mark struct {
	Planted  int       `json:"planted"`       // a planted issue's index, or -1
	Key      string    `json:"key,omitempty"` // the planted issue's opening.Planted.Key, which the mark follows
	Comment  int       `json:"comment"`       // a comment's index, or -1
	Verdict  string    `json:"verdict"`
	Points   float64   `json:"points,omitempty"`
	MemberID int64     `json:"member_id"`
	At       time.Time `json:"at"`
}

// MaxCredit is the most points one credited comment earns.
const MaxCredit = 100

// MarkCodeReview records actor's word on application appID's code-review
// answer to stepID, once submitted, and brings the answer's score and the
// application's total up to date (the kind scores from the marks).
func (s *Service) MarkCodeReview(ctx context.Context, actor account.Member, appID, stepID int64, m Mark) (_ Answer, err error) {
	defer apperr.Wrap(&err, "application.MarkCodeReview(%d)", appID)
	if !actor.Can(account.Review) {
		return Answer{}, apperr.Forbidden("your role cannot review answers")
	}
	a, err := s.Application(ctx, actor, appID)
	if err != nil {
		return Answer{}, err
	}
	if a.Status != Submitted && a.Status != Decided {
		return Answer{}, apperr.Conflict("the candidate has not submitted yet; their review can be marked once they have")
	}
	iv, err := s.openings.InterviewInOrg(ctx, a.OrgID, a.InterviewID)
	if err != nil {
		return Answer{}, err
	}
	st, ok := iv.Step(stepID)
	if !ok || st.CodeReview == nil {
		return Answer{}, apperr.NotFound("code-review step")
	}
	var out Answer
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `UPDATE applications SET updated_at = updated_at WHERE id = $1`, a.ID); err != nil {
			return err
		}
		answers, err := answersIn(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		ans, ok := answers[stepID]
		if !ok || ans.CodeReview == nil {
			return apperr.NotFound("answer")
		}
		if err := checkMark(st.CodeReview, ans.CodeReview, &m); err != nil {
			return err
		}
		if m.Planted >= 0 {
			m.Key = st.CodeReview.Planted[m.Planted].Key()
		}
		m.MemberID, m.At = actor.ID, s.now()
		ans.Marks = putMark(ans.Marks, m)
		answers[stepID] = ans
		Rescore(iv.Steps, answers)
		ans = answers[stepID]
		body, err := json.Marshal(answerBody{CodeReview: ans.CodeReview, Marks: ans.Marks})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE answers SET body = $1, score = $2, max_score = $3 WHERE application_id = $4 AND step_id = $5`,
			string(body), ans.Score, ans.MaxScore, a.ID, stepID); err != nil {
			return err
		}
		if total, most, ok := Total(iv.Steps, answers); ok {
			if _, err := tx.Exec(ctx, `UPDATE applications SET score = $1, max_score = $2 WHERE id = $3`, total, most, a.ID); err != nil {
				return err
			}
		}
		out = ans
		return s.accounts.Audit(ctx, tx, actor, "answer.mark", applicationTarget(a), st.Title, "")
	})
	return out, err
}

// checkMark holds m to the step's planted issues and the answer's
// comments: one of the two named, a verdict that fits it.
func checkMark(t *opening.CodeReviewTask, r *CodeReview, m *Mark) error {
	switch {
	case m.Planted >= 0 && m.Comment >= 0, m.Planted < 0 && m.Comment < 0:
		return apperr.Invalid("mark", "mark either a planted issue (planted) or a comment (comment), not both")
	case m.Planted >= len(t.Planted):
		return apperr.Invalid("planted", "the step has %d planted issues; there is no issue %d", len(t.Planted), m.Planted)
	case m.Comment >= len(r.Comments):
		return apperr.Invalid("comment", "the answer has %d comments; there is no comment %d", len(r.Comments), m.Comment)
	}
	switch m.Verdict {
	case "":
		m.Points = 0
	case Confirmed, Rejected:
		if m.Planted < 0 {
			return apperr.Invalid("verdict", "a comment is credited, not confirmed or rejected; confirm or reject a planted issue's match")
		}
		m.Points = 0
	case Credited:
		if m.Comment < 0 {
			return apperr.Invalid("verdict", "credit a comment that found something not planted; a planted issue is confirmed or rejected")
		}
		if !(m.Points > 0 && m.Points <= MaxCredit) || math.IsNaN(m.Points) {
			return apperr.Invalid("points", "a credited comment earns between 0 and %d points", MaxCredit)
		}
	default:
		return apperr.Invalid("verdict", "the verdict is confirmed, rejected or credited (or empty, to take a mark back)")
	}
	return nil
}

// putMark replaces the mark on the same planted issue (by its key) or
// comment, or adds m; an empty verdict removes it.
func putMark(marks []Mark, m Mark) []Mark {
	out := marks[:0:0]
	for _, x := range marks {
		if (m.Planted >= 0 && (x.Key == m.Key || x.Key == "" && x.Planted == m.Planted)) || (m.Comment >= 0 && x.Comment == m.Comment) {
			continue
		}
		out = append(out, x)
	}
	if m.Verdict != "" {
		out = append(out, m)
	}
	return out
}

// SubmittedAnswers counts the answers to step stepID of orgID's
// applications that were submitted (decided ones too): what a change to
// the step would rescore.
func (s *Service) SubmittedAnswers(ctx context.Context, orgID, stepID int64) (n int, err error) {
	defer apperr.Wrap(&err, "application.SubmittedAnswers(%d)", stepID)
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM answers w JOIN applications a ON a.id = w.application_id
		WHERE w.step_id = $1 AND a.org_id = $2 AND a.status IN ('submitted', 'decided')`, stepID, orgID).Scan(&n)
	return n, err
}

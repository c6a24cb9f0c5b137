package application

import (
	"context"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"

	"github.com/anyhour/anyhour/internal/opening"
)

// Shared reports whether the candidate has sent their answers to the team.
// Until then what they typed, chose, recorded or coded is theirs alone, as
// their pages promise ("Nothing is sent to the team until you submit"):
// the team sees their progress (Progress), never an answer's content or
// score. This is the one rule every team-facing reader of answers,
// recordings and gradings asks.
func (a Application) Shared() bool { return a.SubmittedAt != nil }

// TeamAnswers returns an application's answers as its team may read them:
// all of them once the candidate has submitted, none before.
func (s *Service) TeamAnswers(ctx context.Context, a Application) (_ map[int64]Answer, err error) {
	defer apperr.Wrap(&err, "application.TeamAnswers(%d)", a.ID)
	if !a.Shared() {
		return map[int64]Answer{}, nil
	}
	return s.Answers(ctx, a.ID)
}

// Progress is how far a candidate has got, which the team may see at any
// time: which steps hold an answer and when each was last saved, never
// what the answer says.
type Progress struct {
	Steps    int                 // steps in the interview
	Answered map[int64]time.Time // step id → when its answer was last saved
	// LastActive is when the candidate last saved anything, zero if never.
	LastActive time.Time
}

// Count is how many steps are answered.
func (p Progress) Count() int { return len(p.Answered) }

// Progress reports how far the candidate has got through iv's steps.
func (s *Service) Progress(ctx context.Context, a Application, iv opening.Interview) (_ Progress, err error) {
	defer apperr.Wrap(&err, "application.Progress(%d)", a.ID)
	answers, err := s.Answers(ctx, a.ID)
	if err != nil {
		return Progress{}, err
	}
	p := Progress{Steps: len(iv.Steps), Answered: map[int64]time.Time{}}
	for _, st := range iv.Steps {
		if ans, ok := answers[st.ID]; ok && ans.Given(st.Kind) {
			p.Answered[st.ID] = ans.UpdatedAt
			if ans.UpdatedAt.After(p.LastActive) {
				p.LastActive = ans.UpdatedAt
			}
		}
	}
	return p, nil
}

// Given reports whether the answer holds an answer worth the name to a
// step of kind k, as the kind (a Giver) says: some text or code, at least
// one option, a chosen take, a file.
func (a Answer) Given(k opening.Kind) bool {
	g, ok := opening.As[Giver](k)
	return ok && g.Given(a)
}

package api

import (
	"context"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/video"
)

// answerExtras is what other packages hold about an application's
// answers: video takes and code gradings, for answers' JSON.
type answerExtras struct {
	takes     map[int64][]video.Recording // by step id
	gradings  map[int64]grading.Grading
	base      string
	candidate bool // hidden tests' names and messages are left out
}

func (s *Server) answerExtras(ctx context.Context, a application.Application, candidate bool) (answerExtras, error) {
	var rec answerExtras
	var err error
	if candidate {
		rec.takes, err = s.Videos.ApplicationTakes(ctx, a.ID)
	} else {
		rec.takes, err = s.Videos.TeamTakes(ctx, a)
	}
	if err != nil {
		return rec, err
	}
	if candidate {
		rec.gradings, err = s.Gradings.ForApplication(ctx, a.ID)
	} else {
		rec.gradings, err = s.Gradings.ForTeam(ctx, a)
	}
	rec.base, rec.candidate = s.cfg.BaseURL, candidate
	return rec, err
}

// answer is the answer to st, if there is one to show: a stored answer,
// or for a video step the takes on their way before any is the answer.
func (rec answerExtras) answer(st opening.Step, answers map[int64]application.Answer) (application.Answer, bool) {
	if a, ok := answers[st.ID]; ok {
		return a, true
	}
	if takes := rec.takes[st.ID]; st.Kind == opening.KindVideo && len(takes) > 0 {
		return application.Answer{StepID: st.ID, UpdatedAt: takes[len(takes)-1].UpdatedAt}, true
	}
	return application.Answer{}, false
}

// grading returns a code answer's grading as the reader may see it.
func (rec answerExtras) grading(stepID int64) *gradingJSON {
	g, ok := rec.gradings[stepID]
	if !ok {
		return nil
	}
	if rec.candidate {
		g = g.ForCandidate()
	}
	out := newGrading(g)
	return &out
}

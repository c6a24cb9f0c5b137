package api

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
)

// markInput is a reviewer's word on a submitted code review: a planted
// issue's match confirmed or rejected, or a comment credited.
type markInput struct {
	Planted *int    `json:"planted"` // a planted issue's index
	Comment *int    `json:"comment"` // a comment's index
	Verdict string  `json:"verdict"` // confirmed, rejected, credited; "" takes the mark back
	Points  float64 `json:"points"`  // credited
}

// markCodeReview answers POST /api/v1/applications/{id}/steps/{step}/marks
// with the answer as the team now reads it.
func (s *Server) markCodeReview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, stepID, err := pathStep(r, "application")
	if err != nil {
		return err
	}
	var in markInput
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return err
	}
	mark := application.Mark{Planted: -1, Comment: -1, Verdict: in.Verdict, Points: in.Points}
	if in.Planted != nil {
		mark.Planted = *in.Planted
	}
	if in.Comment != nil {
		mark.Comment = *in.Comment
	}
	if mark.Planted < -1 || mark.Comment < -1 || (in.Planted != nil && *in.Planted < 0) || (in.Comment != nil && *in.Comment < 0) {
		return apperr.Invalid("planted", "indexes count from 0")
	}
	if _, err := s.Applications.MarkCodeReview(r.Context(), m, id, stepID, mark); err != nil {
		return err
	}
	v, err := s.Views.ForMember(r.Context(), m, id)
	if err != nil {
		return err
	}
	for _, st := range v.Steps {
		if st.Step.ID == stepID {
			a := scoredAnswerJSON{answerJSON: newAnswer(st, s.cfg.BaseURL, true)}
			if st.Scored {
				score, most := st.Score, st.Max
				a.Score, a.MaxScore = &score, &most
			}
			httpx.WriteJSON(w, http.StatusOK, a)
			return nil
		}
	}
	return apperr.NotFound("step")
}

package api

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/review"
)

// readReview reads the application's id and a scorecard, as a review and
// a draft of one both send it.
func readReview(w http.ResponseWriter, r *http.Request) (int64, review.Input, error) {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return 0, review.Input{}, err
	}
	var in reviewInput
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return 0, review.Input{}, err
	}
	return id, review.Input{Ratings: in.Ratings, Criteria: in.Criteria, Recommendation: review.Recommendation(in.Recommendation), Note: in.Note}, nil
}

// submitReview answers POST /api/v1/applications/{id}/reviews: the
// caller's ratings per step, recommendation and note, replacing their
// earlier review of the application if any.
func (s *Server) submitReview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, in, err := readReview(w, r)
	if err != nil {
		return err
	}
	rv, err := s.Reviews.Submit(r.Context(), m, id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newReview(rv, m))
	return nil
}

// saveReviewDraft answers PUT /api/v1/applications/{id}/review-draft: the
// caller's scorecard as it stands, which only they see until they submit
// it as a review. The recommendation may still be empty.
func (s *Server) saveReviewDraft(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, in, err := readReview(w, r)
	if err != nil {
		return err
	}
	d, err := s.Reviews.SaveDraft(r.Context(), m, id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newReviewDraft(d))
	return nil
}

// discardReviewDraft answers DELETE /api/v1/applications/{id}/review-draft.
func (s *Server) discardReviewDraft(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	if err := s.Reviews.DiscardDraft(r.Context(), m, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// addReviews adds to an application what m may see of its reviews: their
// own, and the others' with the averages only once their own is in, so
// that nobody anchors on the first opinion.
func addReviews(out *applicationJSON, m account.Member, sum review.Summary) {
	out.Reviews = []reviewJSON{}
	if sum.Draft != nil {
		d := newReviewDraft(*sum.Draft)
		out.ReviewDraft = &d
	}
	if sum.Mine == nil {
		return
	}
	out.Reviews = append(out.Reviews, newReview(*sum.Mine, m))
	for _, rv := range sum.Others {
		out.Reviews = append(out.Reviews, newReview(rv, m))
	}
	out.ReviewAverages = &reviewAveragesJSON{Overall: sum.Average, Steps: sum.StepAverage, Criteria: sum.CriterionAverage}
	if out.ReviewAverages.Steps == nil {
		out.ReviewAverages.Steps = map[int64]float64{}
	}
	if out.ReviewAverages.Criteria == nil {
		out.ReviewAverages.Criteria = map[int64]float64{}
	}
}

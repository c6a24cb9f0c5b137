package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
)

// candidateReview is the review-before-submit page's data.
type candidateReview struct {
	candidateView
	Unanswered []candidateStepRow
	Over       []candidateStepRow // answers that cannot be sent as they are
}

func (v candidateView) review() candidateReview {
	d := candidateReview{candidateView: v}
	for _, row := range v.Steps() {
		switch {
		case row.Over():
			d.Over = append(d.Over, row)
		case !row.Answered:
			d.Unanswered = append(d.Unanswered, row)
		}
	}
	return d
}

// showCandidateReview shows every answer before the candidate submits.
func (s *Server) showCandidateReview(w http.ResponseWriter, r *http.Request, a application.Application) error {
	v, err := s.loadCandidate(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "candidate_review", v.page("Review your answers", v.review()))
	return nil
}

// submitCandidate freezes the answers; when that cannot be done (a text
// over its word limit, the deadline passed) the review page says why.
func (s *Server) submitCandidate(w http.ResponseWriter, r *http.Request, a application.Application) error {
	_, err := s.Applications.Submit(r.Context(), a)
	if err != nil {
		msg, err2 := formError(err)
		if err2 != nil {
			return err2
		}
		v, err2 := s.loadCandidate(r.Context(), a)
		if err2 != nil {
			return err2
		}
		status, _ := httpx.Status(err)
		p := v.page("Review your answers", v.review())
		p.Error = "Your answers were not submitted: " + sentence(msg)
		s.render(w, r, status, "candidate_review", p)
		return nil
	}
	s.setFlash(w, "Your answers were submitted. Thank you!")
	return redirect(w, r, candidatePath(a.ID)+"/status")
}

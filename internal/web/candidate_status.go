package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/application"
)

// showCandidateStatus tells the candidate where they stand: what they
// submitted and when, and what happens next; before that, their progress.
func (s *Server) showCandidateStatus(w http.ResponseWriter, r *http.Request, a application.Application) error {
	v, err := s.loadCandidate(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "candidate_status", v.page("Your status", candidateStatusPage{candidateView: v, ExtDays: "3"}))
	return nil
}

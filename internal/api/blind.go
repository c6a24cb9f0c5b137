package api

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
)

// setBlind answers PUT /api/v1/jobs/{id}/blind: blind review of the job
// switched on (every candidate not yet revealed is hidden) or off (every
// candidate is shown), with how many candidates the switch hid or showed.
func (s *Server) setBlind(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "job")
	if err != nil {
		return err
	}
	var in struct {
		Blind *bool `json:"blind"`
	}
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return err
	}
	if in.Blind == nil {
		return apperr.Invalid("blind", "blind is required: true or false")
	}
	j, n, err := s.Applications.SetBlind(r.Context(), m, id, *in.Blind)
	if err != nil {
		return err
	}
	job, err := s.jobDetail(r.Context(), m, j)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Job     jobJSON `json:"job"`
		Changed int     `json:"changed"`
	}{job, n})
	return nil
}

// reveal answers POST /api/v1/applications/{id}/reveal: a blind job's
// candidate shown to the team, once the reviews are in; audited.
func (s *Server) reveal(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	if _, err := s.Applications.Reveal(r.Context(), m, id); err != nil {
		return err
	}
	return s.showApplication(w, r, m)
}

// revealReviewed answers POST /api/v1/jobs/{id}/reveal: every hidden
// candidate of the job whose reviews are in, revealed; the rest wait.
func (s *Server) revealReviewed(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "job")
	if err != nil {
		return err
	}
	revealed, waiting, err := s.Applications.RevealReviewed(r.Context(), m, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Revealed int `json:"revealed"`
		Waiting  int `json:"waiting"`
	}{revealed, waiting})
	return nil
}

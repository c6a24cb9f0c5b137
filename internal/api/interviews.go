package api

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

// createInterview answers POST /api/v1/interviews.
func (s *Server) createInterview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	var in interviewInput
	if err := httpx.DecodeJSON(w, r, &in, maxInterviewBody); err != nil {
		return err
	}
	din, err := in.domain()
	if err != nil {
		return err
	}
	iv, err := s.Openings.CreateInterview(r.Context(), m, din)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, newInterview(iv))
	return nil
}

// showInterview answers GET /api/v1/interviews/{id}.
func (s *Server) showInterview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "interview")
	if err != nil {
		return err
	}
	iv, err := s.Openings.Interview(r.Context(), m, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newInterview(iv))
	return nil
}

// updateInterview answers PATCH /api/v1/interviews/{id}. Steps, when
// sent, are the whole new list: a step or option sent back with its id
// keeps it (and its answers), one without an id is new, one left out is
// removed (its answers stay readable to reviewers).
func (s *Server) updateInterview(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "interview")
	if err != nil {
		return err
	}
	var in interviewInput
	if err := httpx.DecodeJSON(w, r, &in, maxInterviewBody); err != nil {
		return err
	}
	din, err := in.domain()
	if err != nil {
		return err
	}
	iv, err := s.Openings.UpdateInterview(r.Context(), m, id, din)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newInterview(iv))
	return nil
}

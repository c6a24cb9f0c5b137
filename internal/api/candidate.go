package api

import (
	"context"
	"net/http"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
)

// showCandidate answers GET /api/v1/candidate: the candidate's
// application, the interview's steps (never which options are correct)
// and their answers so far.
func (s *Server) showCandidate(w http.ResponseWriter, r *http.Request, a application.Application) error {
	return s.writeCandidate(w, r, a)
}

// writeCandidate answers with the candidate's view of a, as GET
// /api/v1/candidate does.
func (s *Server) writeCandidate(w http.ResponseWriter, r *http.Request, a application.Application) error {
	view, err := s.candidateView(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, view)
	return nil
}

func (s *Server) candidateView(ctx context.Context, a application.Application) (candidateViewJSON, error) {
	v, err := s.Views.ForCandidate(ctx, a)
	if err != nil {
		return candidateViewJSON{}, err
	}
	view := candidateViewJSON{
		Application:  newCandidateApplication(v.App, v.Open),
		Organization: orgNameJSON{Name: v.Org.Name, TimeZone: v.Org.TimeZone},
		Job:          jobNameJSON{Title: v.Job.Title},
		Interview: candidateInterviewJSON{ID: v.Interview.ID, Title: v.Interview.Title, Intro: v.Interview.Intro,
			Minutes: v.Interview.Minutes(), Steps: make([]stepJSON, len(v.Interview.Steps))},
		Answers: []answerJSON{},
	}
	// A decision whose message goes later is the team's until then.
	view.Application.Status = string(v.Status())
	for i, st := range v.Interview.Steps {
		view.Interview.Steps[i] = newStep(st, false)
	}
	for _, st := range v.Steps {
		if st.Present() {
			view.Answers = append(view.Answers, newAnswer(st, s.cfg.BaseURL, false))
		}
	}
	return view, nil
}

// saveAnswer answers PUT /api/v1/candidate/answers/{step_id}: the
// candidate's answer to one step of their interview, replacing any
// earlier one, until they submit or the deadline passes.
func (s *Server) saveAnswer(w http.ResponseWriter, r *http.Request, a application.Application) error {
	stepID, err := pathID(r, "step_id", "step")
	if err != nil {
		return err
	}
	var in answerInput
	if err := httpx.DecodeJSON(w, r, &in, maxAnswerBody); err != nil {
		return err
	}
	if in.MediaID != nil {
		return s.chooseTake(w, r, a, stepID, *in.MediaID, in)
	}
	if _, err := s.Applications.SaveAnswer(r.Context(), a, stepID, in.input()); err != nil {
		return err
	}
	return s.writeAnswer(w, r, a, stepID)
}

// writeAnswer writes the candidate's answer to a step as they now see it.
func (s *Server) writeAnswer(w http.ResponseWriter, r *http.Request, a application.Application, stepID int64) error {
	v, err := s.Views.ForCandidate(r.Context(), a)
	if err != nil {
		return err
	}
	for _, st := range v.Steps {
		if st.Step.ID == stepID {
			httpx.WriteJSON(w, http.StatusOK, newAnswer(st, s.cfg.BaseURL, false))
			return nil
		}
	}
	return apperr.NotFound("step")
}

// submit answers POST /api/v1/candidate/submit: the answers are frozen
// and the team told they can review.
func (s *Server) submit(w http.ResponseWriter, r *http.Request, a application.Application) error {
	a, err := s.Applications.Submit(r.Context(), a)
	if err != nil {
		return err
	}
	return s.writeCandidate(w, r, a)
}

// setTimeZone answers PUT /api/v1/candidate/time_zone: the zone the
// candidate's deadline and reminders are shown in.
func (s *Server) setTimeZone(w http.ResponseWriter, r *http.Request, a application.Application) error {
	var in timeZoneInput
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return err
	}
	if err := s.Applications.SetTimeZone(r.Context(), a, in.TimeZone); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// consentToVideo answers POST /api/v1/candidate/video_consent: the
// candidate agrees to be recorded, having been told what is recorded, who
// sees it and how long it is kept. Until then their uploads are refused.
// Agreeing again keeps the first time.
func (s *Server) consentToVideo(w http.ResponseWriter, r *http.Request, a application.Application) error {
	a, err := s.Applications.ConsentToVideo(r.Context(), a)
	if err != nil {
		return err
	}
	return s.writeCandidate(w, r, a)
}

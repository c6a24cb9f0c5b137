package api

import (
	"context"
	"net/http"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/opening"
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
	var view candidateViewJSON
	iv, err := s.Openings.InterviewInOrg(ctx, a.OrgID, a.InterviewID)
	if err != nil {
		return view, err
	}
	job, err := s.Openings.JobInOrg(ctx, a.OrgID, a.JobID)
	if err != nil {
		return view, err
	}
	org, err := s.Accounts.Org(ctx, a.OrgID)
	if err != nil {
		return view, err
	}
	answers, err := s.Applications.Answers(ctx, a.ID)
	if err != nil {
		return view, err
	}
	rec, err := s.answerExtras(ctx, a, true)
	if err != nil {
		return view, err
	}
	view = candidateViewJSON{
		Application:  newCandidateApplication(a, s.Applications.CanAnswer(a) == nil),
		Organization: orgNameJSON{Name: org.Name, TimeZone: org.TimeZone},
		Job:          jobNameJSON{Title: job.Title},
		Interview: candidateInterviewJSON{ID: iv.ID, Title: iv.Title, Intro: iv.Intro, Minutes: iv.Minutes(),
			Steps: make([]stepJSON, len(iv.Steps))},
		Answers: answersInOrder(iv.Steps, answers, rec),
	}
	for i, st := range iv.Steps {
		view.Interview.Steps[i] = newStep(st, false)
	}
	if a.Status == application.Decided {
		// A decision whose message goes later is the team's until then.
		d, err := s.Decisions.ForCandidate(ctx, a.ID)
		if err != nil {
			return view, err
		}
		if d == nil {
			view.Application.Status = string(application.Submitted)
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
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return err
	}
	if in.MediaID != nil {
		return s.chooseTake(w, r, a, stepID, *in.MediaID, in)
	}
	ans, err := s.Applications.SaveAnswer(r.Context(), a, stepID, application.AnswerInput{Text: in.Text, Choices: in.Choices, Language: in.Language, Code: in.Code})
	if err != nil {
		return err
	}
	// SaveAnswer accepts only the fields of the step's kind, so the
	// fields sent say the kind.
	kind := opening.KindText
	switch {
	case in.Choices != nil:
		kind = opening.KindChoice
	case in.Code != nil:
		kind = opening.KindCode
	}
	httpx.WriteJSON(w, http.StatusOK, newAnswer(kind, ans, answerExtras{}))
	return nil
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

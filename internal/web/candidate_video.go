package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/video"
)

// chooseCandidateTake saves which take answers a video step, for steps
// with retakes, and moves on. The recording itself arrives through the
// upload endpoint; without a take to choose this only moves on.
func (s *Server) chooseCandidateTake(w http.ResponseWriter, r *http.Request, a application.Application, v candidateView, row candidateStepRow, i int) error {
	if raw := r.PostForm.Get("take"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return apperr.Invalid("take", "that take is not one of yours")
		}
		if id != row.Answer.RecordingID {
			if err := s.Videos.ChooseTake(r.Context(), a, row.Step.ID, id); err != nil {
				if msg, ferr := formError(err); ferr == nil {
					p := v.stepPage(row, i).withError("Your choice was not saved: " + sentence(msg))
					status := http.StatusConflict
					if errors.Is(err, apperr.ErrNotFound) {
						status = http.StatusNotFound
					}
					s.render(w, r, status, "candidate_step", p)
					return nil
				}
				return err
			}
			s.setFlash(w, "Your choice of take is saved.")
		}
	}
	return redirect(w, r, v.after(r, row, i))
}

// serveCandidateRecording sends a recording the candidate may watch: their
// own takes and the team's videos of their interview.
func (s *Server) serveCandidateRecording(w http.ResponseWriter, r *http.Request, a application.Application) error {
	return s.serveRecording(w, r, video.CandidateViewer(a))
}

// candidateToken is the link token the candidate's browser holds for
// application appID, which the recorder sends with its uploads.
func candidateToken(r *http.Request, appID int64) string {
	c, err := r.Cookie(candidateCookiePrefix + strconv.FormatInt(appID, 10))
	if err != nil {
		return ""
	}
	return c.Value
}

// showCandidatePractice is a practice video question: the recorder in
// practice mode, which plays the take back and never uploads it.
func (s *Server) showCandidatePractice(w http.ResponseWriter, r *http.Request, a application.Application) error {
	v, err := s.loadCandidate(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "candidate_practice", v.page("Practice question", v))
	return nil
}

// discardCandidateTake gives up a take that never finished uploading and
// is no longer on any device, so that the candidate may submit (or
// record again, if takes are left).
func (s *Server) discardCandidateTake(w http.ResponseWriter, r *http.Request, a application.Application) error {
	_, row, _, err := s.stepForm(r, a)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PostFormValue("discard"), 10, 64)
	if err != nil {
		return apperr.Invalid("discard", "that take is not one of yours")
	}
	if err := s.Videos.DiscardTake(r.Context(), a, id); err != nil {
		return err
	}
	s.setFlash(w, "The unfinished recording was discarded.")
	return redirect(w, r, row.URL)
}

package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
)

// consentToVideo records that the candidate agreed to be recorded, from
// the panel a video step shows until they do, and brings them back to the
// step. "#camera" asks the recorder to turn the camera on at once, as the
// button promised; without JavaScript the step says recording needs it.
func (s *Server) consentToVideo(w http.ResponseWriter, r *http.Request, a application.Application) error {
	_, row, _, err := s.stepForm(r, a)
	if err != nil {
		return err
	}
	if _, err := s.Applications.ConsentToVideo(r.Context(), a); err != nil {
		return err
	}
	return redirect(w, r, row.URL+"#camera")
}

// skipVideo is the panel's other way out, for a candidate who would
// rather not be recorded: nothing is stored, and they go on to the next
// step that is not a video, or to the review page, told what they can
// still do.
func (s *Server) skipVideo(w http.ResponseWriter, r *http.Request, a application.Application) error {
	v, _, i, err := s.stepForm(r, a)
	if err != nil {
		return err
	}
	s.setFlash(w, "You skipped the video questions, and nothing was recorded. You can still answer the other questions, "+
		"submit (the video questions count as not answered) and write to the team, for instance to ask for another way to answer. "+
		"To record after all, open a video question again.")
	return redirect(w, r, v.nextNotVideo(i))
}

// nextNotVideo is the first step after the i-th that is not a video
// step, else the review page.
func (v candidateView) nextNotVideo(i int) string {
	steps := v.Steps()
	for _, row := range steps[i+1:] {
		if row.Step.Kind != opening.KindVideo {
			return row.URL
		}
	}
	return v.Base() + "/review"
}

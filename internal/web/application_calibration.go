package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

// setCalibration is POST /applications/{id}/calibration: on=1 puts the
// application in the team's calibration set, on=0 takes it out.
func (s *Server) setCalibration(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	on := r.PostFormValue("on") == "1"
	if err := s.Reviews.SetCalibration(r.Context(), m, id, on); err != nil {
		return err
	}
	if on {
		s.setFlash(w, "It is in the calibration set: reviewers see how far they sat from the team once they have rated it.")
	} else {
		s.setFlash(w, "It is out of the calibration set.")
	}
	return redirect(w, r, appPath(r, id, "#calibration"))
}

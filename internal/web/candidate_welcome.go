package web

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/interview"
)

// candidateWelcome is the welcome page's data.
type candidateWelcome struct {
	candidateView
	Zones []string // suggestions for the time zone field
	TZ    string   // what the candidate typed, when it was not a zone
}

// showCandidateWelcome is the first page a candidate sees: who invited
// them, the steps and the time they take, and the deadline in their zone.
func (s *Server) showCandidateWelcome(w http.ResponseWriter, r *http.Request, a interview.Application) error {
	v, err := s.loadCandidate(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "candidate_welcome", v.page(v.Interview.Title, candidateWelcome{candidateView: v, Zones: commonZones}))
	return nil
}

// setCandidateZone stores the candidate's time zone: sent once by a small
// script with the browser's zone, or chosen in the form on the welcome
// page. The script sends auto=1 and needs no page back.
func (s *Server) setCandidateZone(w http.ResponseWriter, r *http.Request, a interview.Application) error {
	tz := r.PostFormValue("tz")
	err := s.Interviews.SetTimeZone(r.Context(), a, tz)
	if err != nil {
		msg, err := formError(err)
		if err != nil {
			return err
		}
		v, err := s.loadCandidate(r.Context(), a)
		if err != nil {
			return err
		}
		p := v.page(v.Interview.Title, candidateWelcome{candidateView: v, Zones: commonZones, TZ: tz})
		p.Error = sentence(msg)
		s.render(w, r, http.StatusBadRequest, "candidate_welcome", p)
		return nil
	}
	if r.PostFormValue("auto") == "1" {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	s.setFlash(w, "Times are now shown in your time zone, "+tz+".")
	return redirect(w, r, candidatePath(a.ID))
}

// commonZones are offered in the time zone field; any zone name works.
var commonZones = []string{
	"Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
	"America/Argentina/Buenos_Aires", "America/Bogota", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "America/Mexico_City", "America/New_York", "America/Sao_Paulo", "America/Toronto",
	"Asia/Bangkok", "Asia/Dubai", "Asia/Hong_Kong", "Asia/Jakarta", "Asia/Kolkata", "Asia/Manila",
	"Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Tokyo",
	"Australia/Melbourne", "Australia/Sydney",
	"Europe/Amsterdam", "Europe/Berlin", "Europe/Istanbul", "Europe/Kyiv", "Europe/Lisbon", "Europe/London",
	"Europe/Madrid", "Europe/Paris", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw",
	"Pacific/Auckland", "UTC",
}

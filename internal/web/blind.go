package web

import (
	"fmt"
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/httpx"
)

// revealCandidate is POST /applications/{id}/reveal: a blind job's
// candidate shown to the team, once the reviews are in.
func (s *Server) revealCandidate(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	hidden, err := s.Applications.Application(r.Context(), m, id)
	if err != nil {
		return err
	}
	a, err := s.Applications.Reveal(r.Context(), m, id)
	if err != nil {
		return err
	}
	s.setFlash(w, fmt.Sprintf("%s is %s. Everyone on the team now sees the name, the email address and the videos.", hidden.Candidate.Name, a.Candidate.Name))
	return redirect(w, r, appPath(r, id, ""))
}

// setBlind is POST /jobs/{id}/blind: on=1 reviews the job blind from now
// on, on=0 shows every candidate.
func (s *Server) setBlind(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	on := r.PostFormValue("on") == "1"
	_, n, err := s.Applications.SetBlind(r.Context(), m, id, on)
	if err != nil {
		return err
	}
	switch {
	case on:
		s.setFlash(w, fmt.Sprintf("The job is reviewed blind: %d %s hidden from the team until revealed.", n, plural(n, "candidate is", "candidates are")))
	default:
		s.setFlash(w, fmt.Sprintf("Blind review is off: %d %s shown to the team.", n, plural(n, "candidate is", "candidates are")))
	}
	return redirect(w, r, fmt.Sprintf("/jobs/%d#blind", id))
}

// revealReviewed is POST /jobs/{id}/reveal: every hidden candidate of the
// job whose reviews are in, revealed.
func (s *Server) revealReviewed(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	revealed, waiting, err := s.Applications.RevealReviewed(r.Context(), m, id)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%d %s revealed.", revealed, plural(revealed, "candidate", "candidates"))
	if waiting > 0 {
		msg += fmt.Sprintf(" %d still %s for reviews.", waiting, plural(waiting, "waits", "wait"))
	}
	s.setFlash(w, msg)
	return redirect(w, r, fmt.Sprintf("/jobs/%d#blind", id))
}

package web

import (
	"net/http"
	"strconv"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
)

// candidateStatusPage is the status page with the request-for-time form as
// typed, when it was not sent.
type candidateStatusPage struct {
	candidateView
	ExtDays   string
	ExtReason string
}

// askForTime is POST /candidate/{app}/extension: the candidate asks for
// more time, with a reason.
func (s *Server) askForTime(w http.ResponseWriter, r *http.Request, a application.Application) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read; please try again")
	}
	days, _ := strconv.Atoi(r.PostForm.Get("days"))
	reason := r.PostForm.Get("reason")
	if _, err := s.Applications.RequestExtension(r.Context(), a, days, reason); err != nil {
		msg, ferr := formError(err)
		if ferr != nil {
			return ferr
		}
		v, err2 := s.loadCandidate(r.Context(), a)
		if err2 != nil {
			return err2
		}
		status, _ := httpx.Status(err)
		p := v.page("Your status", candidateStatusPage{candidateView: v, ExtDays: r.PostForm.Get("days"), ExtReason: reason})
		p.Error = "Your request was not sent: " + sentence(msg)
		s.render(w, r, status, "candidate_status", p)
		return nil
	}
	s.setFlash(w, "Your request was sent. The team will answer in your messages, and by email.")
	return redirect(w, r, candidatePath(a.ID)+"/status#time")
}

// withdraw is POST /candidate/{app}/withdraw: the candidate leaves the
// interview, once they have ticked that they mean it.
func (s *Server) withdraw(w http.ResponseWriter, r *http.Request, a application.Application) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read; please try again")
	}
	if r.PostForm.Get("sure") == "" {
		s.setFlash(w, "Nothing changed: tick the box to confirm that you want to withdraw.")
		return redirect(w, r, candidatePath(a.ID)+"/status#withdraw")
	}
	if _, err := s.Applications.Withdraw(r.Context(), a); err != nil {
		return err
	}
	s.setFlash(w, "You have withdrawn. The team has been told; thank you for letting them know.")
	return redirect(w, r, candidatePath(a.ID)+"/status")
}

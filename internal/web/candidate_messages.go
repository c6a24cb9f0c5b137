package web

import (
	"errors"
	"net/http"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/message"
)

// candidateMessagesPage is the candidate's conversation with the team.
type candidateMessagesPage struct {
	candidateView
	Messages []message.Message
	Draft    string // what the candidate typed, when it could not be sent
}

// showCandidateMessages is GET /candidate/{app}/messages. Opening it marks
// the team's messages read.
func (s *Server) showCandidateMessages(w http.ResponseWriter, r *http.Request, a application.Application) error {
	return s.renderCandidateMessages(w, r, a, http.StatusOK, "", "")
}

// postCandidateMessage is POST /candidate/{app}/messages.
func (s *Server) postCandidateMessage(w http.ResponseWriter, r *http.Request, a application.Application) error {
	files, closeFiles, err := parseMessageForm(r)
	if err != nil {
		msg, ferr := formError(err)
		if ferr != nil {
			return ferr
		}
		status, _ := httpx.Status(err)
		return s.renderCandidateMessages(w, r, a, status, "Your message was not sent: "+sentence(msg), r.FormValue("body"))
	}
	defer closeFiles()
	body := r.PostForm.Get("body")
	if _, err := s.Messages.PostAsCandidateFiles(r.Context(), a, body, files); err != nil {
		msg, ferr := formError(err)
		if errors.Is(err, apperr.ErrUnavailable) {
			// A full disk, a database away for a moment: what they wrote
			// stays on the page, to send again.
			msg, ferr = apperr.Message(err), nil
			httpx.SetRetryAfter(w, http.StatusServiceUnavailable)
		}
		if ferr != nil {
			return ferr
		}
		status, _ := httpx.Status(err)
		return s.renderCandidateMessages(w, r, a, status, "Your message was not sent: "+sentence(msg), body)
	}
	s.setFlash(w, "Message sent. The team sees it in their inbox.")
	return redirect(w, r, candidatePath(a.ID)+"/messages#latest")
}

func (s *Server) renderCandidateMessages(w http.ResponseWriter, r *http.Request, a application.Application, status int, problem, draft string) error {
	ms, err := s.Messages.CandidateThread(r.Context(), a)
	if err != nil {
		return err
	}
	v, err := s.loadCandidate(r.Context(), a)
	if err != nil {
		return err
	}
	p := v.page("Messages", candidateMessagesPage{candidateView: v, Messages: ms, Draft: draft})
	p.Error = problem
	s.render(w, r, status, "candidate_messages", p)
	return nil
}

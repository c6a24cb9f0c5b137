package web

import (
	"net/http"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/message"
)

// postApplicationMessage is POST /applications/{id}/messages: a message
// to the candidate, or with internal=1 a note for the team. A message
// that cannot be sent comes back on the application page as typed.
func (s *Server) postApplicationMessage(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	files, closeFiles, err := parseMessageForm(r)
	defer closeFiles()
	body, internal, when := r.FormValue("body"), r.FormValue("internal") != "", r.FormValue("when")
	var sent message.Message
	if err == nil {
		sent, err = s.postOrSchedule(r, m, id, body, internal, when, r.FormValue("send_at"), files)
	}
	if err != nil {
		msg, status, ferr := formProblem(err)
		if ferr != nil {
			return ferr
		}
		d, derr := s.applicationData(r, m, id)
		if derr != nil {
			return derr
		}
		what := "Your message was not sent"
		if internal {
			what = "Your note was not saved"
		}
		d.MsgError, d.MsgDraft, d.MsgNote = what+": "+msg, body, internal
		s.render(w, r, status, "application_show", s.teamPage(r.Context(), m, "jobs", d.App.Candidate.Name, d))
		return nil
	}
	switch {
	case internal:
		s.setFlash(w, "Note saved. Only the team sees it.")
	case sent.VisibleAt != nil:
		s.setFlash(w, "Message scheduled for "+inZone(*sent.VisibleAt, s.memberZone(r.Context(), m)).Format("Mon 2 Jan, 15:04 MST")+". You can cancel it until then.")
	default:
		s.setFlash(w, "Message sent to the candidate.")
	}
	return redirect(w, r, appPath(r, id, "#conversation"))
}

// postOrSchedule posts a message now, or schedules it: when is "now",
// "working_hours" (the candidate's next waking hours, now if they are in
// them) or "at" (sendAt, a datetime-local in the member's zone).
func (s *Server) postOrSchedule(r *http.Request, m account.Member, appID int64, body string, internal bool, when, sendAt string, files []message.File) (message.Message, error) {
	ctx := r.Context()
	if internal || when == "" || when == "now" {
		return s.Messages.PostFiles(ctx, m, appID, body, internal, files)
	}
	if when == "working_hours" {
		return s.Messages.PostInWorkingHours(ctx, m, appID, body, files)
	}
	var at time.Time
	switch when {
	case "at":
		loc := inZone(time.Now(), s.memberZone(ctx, m)).Location()
		t, err := time.ParseInLocation("2006-01-02T15:04", sendAt, loc)
		if err != nil {
			return message.Message{}, apperr.Invalid("send_at", "choose the date and time to send it")
		}
		at = t
	default:
		return message.Message{}, apperr.Invalid("when", "choose when to send it")
	}
	return s.Messages.Schedule(ctx, m, appID, body, at, files...)
}

// cancelMessage is POST /messages/{id}/cancel: a message scheduled for
// later is withdrawn before it reaches the candidate.
func (s *Server) cancelMessage(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	msg, err := s.Messages.Cancel(r.Context(), m, id)
	if err != nil {
		return err
	}
	s.setFlash(w, "Scheduled message cancelled; nothing was sent.")
	return redirect(w, r, appPath(r, msg.ApplicationID, "#conversation"))
}

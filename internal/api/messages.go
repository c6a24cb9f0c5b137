package api

import (
	"net/http"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/message"
)

// messageJSON is a message of a thread. Internal is only ever true in
// the team's listing: the candidate's never holds notes.
type messageJSON struct {
	ID        int64             `json:"id"`
	Body      string            `json:"body"`
	Author    messageAuthorJSON `json:"author"`
	Internal  bool              `json:"internal"`
	CreatedAt string            `json:"created_at"`
	SeenAt    *string           `json:"seen_at"`
	SendAt    *string           `json:"send_at"`
}

type messageAuthorJSON struct {
	Kind string `json:"kind"` // candidate or member
	ID   int64  `json:"id,omitempty"`
	Name string `json:"name"`
}

func newMessage(m message.Message) messageJSON {
	out := messageJSON{ID: m.ID, Body: m.Body, Internal: m.Internal, CreatedAt: ts(m.CreatedAt),
		Author: messageAuthorJSON{Kind: "candidate", Name: m.AuthorName}}
	if !m.FromCandidate() {
		out.Author = messageAuthorJSON{Kind: "member", ID: m.MemberID, Name: m.AuthorName}
	}
	if m.SeenAt != nil {
		s := ts(*m.SeenAt)
		out.SeenAt = &s
	}
	if m.VisibleAt != nil {
		s := ts(*m.VisibleAt)
		out.SendAt = &s
	}
	return out
}

func messagesJSON(ms []message.Message) map[string]any {
	out := []messageJSON{}
	for _, m := range ms {
		out = append(out, newMessage(m))
	}
	return map[string]any{"messages": out}
}

type messageInput struct {
	Body     string     `json:"body"`
	Internal bool       `json:"internal"`
	SendAt   *time.Time `json:"send_at"`
	// InWorkingHours sends it in the candidate's waking hours: now if
	// they are in them, else when they begin (message.CandidateHours).
	InWorkingHours bool `json:"in_working_hours"`
}

type candidateMessageInput struct {
	Body string `json:"body"`
}

// maxMessageBody bounds a posted message's JSON: MaxBody characters of
// up to four bytes each, escaped.
const maxMessageBody = 6*4*message.MaxBody + 1024

// listMessages answers GET /api/v1/applications/{id}/messages: the
// thread with the candidate and the team's internal notes, oldest first.
// Reading it marks the candidate's messages seen.
func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	ms, err := s.Messages.Thread(r.Context(), m, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, messagesJSON(ms))
	return nil
}

// postMessage answers POST /api/v1/applications/{id}/messages.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	var in messageInput
	if err := httpx.DecodeJSON(w, r, &in, maxMessageBody); err != nil {
		return err
	}
	var msg message.Message
	switch {
	case (in.SendAt != nil || in.InWorkingHours) && in.Internal:
		return apperr.Invalid("send_at", "internal notes cannot be scheduled; they are for the team at once")
	case in.SendAt != nil && in.InWorkingHours:
		return apperr.Invalid("send_at", "send it at send_at or in the candidate's working hours, not both")
	case in.InWorkingHours:
		msg, err = s.Messages.PostInWorkingHours(r.Context(), m, id, in.Body, nil)
	case in.SendAt != nil:
		msg, err = s.Messages.Schedule(r.Context(), m, id, in.Body, *in.SendAt)
	default:
		msg, err = s.Messages.Post(r.Context(), m, id, in.Body, in.Internal)
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, newMessage(msg))
	return nil
}

// listCandidateMessages answers GET /api/v1/candidate/messages: the
// candidate's thread, without the team's notes. Reading it marks the
// team's messages read.
func (s *Server) listCandidateMessages(w http.ResponseWriter, r *http.Request, a application.Application) error {
	ms, err := s.Messages.CandidateThread(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, messagesJSON(ms))
	return nil
}

// postCandidateMessage answers POST /api/v1/candidate/messages.
func (s *Server) postCandidateMessage(w http.ResponseWriter, r *http.Request, a application.Application) error {
	var in candidateMessageInput
	if err := httpx.DecodeJSON(w, r, &in, maxMessageBody); err != nil {
		return err
	}
	msg, err := s.Messages.PostAsCandidate(r.Context(), a, in.Body)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, newMessage(msg))
	return nil
}

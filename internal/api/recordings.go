package api

import (
	"net/http"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/video"
)

// chooseTake answers PUT /api/v1/candidate/answers/{step_id} with
// {"media_id"}: the candidate picks which take of a video step to submit.
func (s *Server) chooseTake(w http.ResponseWriter, r *http.Request, a application.Application, stepID, recordingID int64, in answerInput) error {
	if in.Text != nil || in.Choices != nil {
		return apperr.Invalid("media_id", "send media_id alone to choose a take")
	}
	if err := s.Videos.ChooseTake(r.Context(), a, stepID, recordingID); err != nil {
		return err
	}
	return s.writeAnswer(w, r, a, stepID)
}

// serveRecording answers GET /api/v1/media/{id}/{file}: a recording's video,
// poster or MP4 copy, with range requests, for the team (API token) or
// the candidate who recorded it (invitation token).
func (s *Server) serveRecording(w http.ResponseWriter, r *http.Request, who video.Viewer) error {
	id, err := pathID(r, "id", "recording")
	if err != nil {
		return err
	}
	obj, ctype, err := s.Videos.Open(r.Context(), who, id, video.File(r.PathValue("file")))
	if err != nil {
		return err
	}
	defer obj.Close()
	httpx.ServeObject(w, r, obj, ctype)
	return nil
}

type commentInput struct {
	AtSeconds float64 `json:"at_seconds"`
	Body      string  `json:"body"`
}

type commentJSON struct {
	ID        int64        `json:"id"`
	MediaID   int64        `json:"media_id"`
	Author    reviewerJSON `json:"author"`
	AtSeconds float64      `json:"at_seconds"`
	Body      string       `json:"body"`
	CreatedAt string       `json:"created_at"`
}

func newComment(c video.Comment) commentJSON {
	return commentJSON{ID: c.ID, MediaID: c.RecordingID, Author: reviewerJSON{ID: c.MemberID, Name: c.Author}, AtSeconds: c.At, Body: c.Body, CreatedAt: ts(c.CreatedAt)}
}

// listComments answers GET /api/v1/media/{id}/comments.
func (s *Server) listComments(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "recording")
	if err != nil {
		return err
	}
	cs, err := s.Videos.RecordingComments(r.Context(), m, id)
	if err != nil {
		return err
	}
	out := []commentJSON{}
	for _, c := range cs {
		out = append(out, newComment(c))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"comments": out})
	return nil
}

// addComment answers POST /api/v1/media/{id}/comments: a comment pinned
// to a moment of the recording.
func (s *Server) addComment(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "recording")
	if err != nil {
		return err
	}
	var in commentInput
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return err
	}
	c, err := s.Videos.AddComment(r.Context(), m, id, in.AtSeconds, in.Body)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, newComment(c))
	return nil
}

type viewsInput struct {
	Spans []video.Span `json:"spans"`
}

// addViews answers POST /api/v1/media/{id}/views: spans of the recording
// the caller watched, [start, end] in seconds, added to their coverage.
func (s *Server) addViews(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := pathID(r, "id", "recording")
	if err != nil {
		return err
	}
	var in viewsInput
	if err := httpx.DecodeJSON(w, r, &in, maxBody); err != nil {
		return err
	}
	watched, err := s.Videos.Watched(r.Context(), m, id, in.Spans)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]float64{"watched_seconds": watched})
	return nil
}

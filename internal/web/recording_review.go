package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/appview"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/video"
)

// This file is the reviewer's side of a video answer: what the
// application page shows of it (the submitted take, its comments, who
// watched how much) and the two requests the player sends. Without
// JavaScript the page is a plain <video> with a comment form; player.js
// adds speed, shortcuts, comments without a reload and watch tracking.

// appVideo is a video step's answer as a reviewer sees it.
type appVideo struct {
	Take       video.Recording // the submitted take; while none is, the one uploading
	Recorded   int             // takes the candidate recorded
	Allowed    int             // takes the step allows
	Comments   []video.Comment
	Coverage   []coverageRow // the viewer's own first
	CanComment bool
	Draft      commentDraft // what the reviewer typed, when a comment was refused
	// Blind: the viewer reviews the application blind and hears the take
	// (appview.Step.Blind); the page names no file that shows the
	// candidate.
	Blind bool
}

type commentDraft struct{ At, Body, Error string }

// coverageRow is how much of a take one reviewer watched.
type coverageRow struct {
	Name      string
	Mine      bool
	Percent   int
	Bars      []coverageBar
	Text      string // the watched spans in words, for screen readers
	SpansJSON string // for player.js, which adds what is watched now
}

// coverageBar is a watched span in the bar's viewBox, 1000 units wide.
type coverageBar struct{ X, W string }

// newAppVideo is the video part of a step of v, whose take is shown.
func newAppVideo(m account.Member, v appview.Team, st appview.Step) *appVideo {
	take := *st.Take
	return &appVideo{Take: take, Recorded: st.Recorded, Allowed: st.Step.Takes(), CanComment: v.Can.Comment,
		Comments: v.Comments[take.ID], Coverage: coverageRows(m, take, v.Coverage[take.ID]), Blind: st.Blind}
}

// askAudio queues the audio copy of a take shown to a blind viewer when
// it was never asked for (an answer recorded before copies were made), so
// that the page's "being prepared" comes true.
func (s *Server) askAudio(ctx context.Context, who video.Viewer, take *video.Recording, blind bool) error {
	if !blind || take == nil || take.Status != video.Ready || take.AudioStatus != video.AudioNotAsked {
		return nil
	}
	return s.Videos.AskAudio(ctx, who, take.ID)
}

// coverageRows puts the viewer's own coverage first, even before they
// have watched anything, so the player can show it grow.
func coverageRows(m account.Member, take video.Recording, all []video.Coverage) []coverageRow {
	dur := 0.0
	if take.Duration != nil {
		dur = *take.Duration
	}
	rows := []coverageRow{newCoverageRow(video.Coverage{}, dur)}
	rows[0].Name, rows[0].Mine = "You", true
	for _, c := range all {
		r := newCoverageRow(c, dur)
		if c.MemberID == m.ID {
			r.Name, r.Mine = "You", true
			rows[0] = r
			continue
		}
		rows = append(rows, r)
	}
	return rows
}

func newCoverageRow(c video.Coverage, dur float64) coverageRow {
	r := coverageRow{Name: c.Name, Percent: int(math.Round(c.Fraction * 100)), SpansJSON: "[]"}
	var words []string
	for _, sp := range c.Spans {
		words = append(words, moment(sp.Start)+" to "+moment(sp.End))
		if dur > 0 {
			r.Bars = append(r.Bars, coverageBar{X: unit(sp.Start / dur), W: unit((sp.End - sp.Start) / dur)})
		}
	}
	if len(words) > 0 {
		r.Text = "Watched " + strings.Join(words, ", ") + "."
	}
	if b, err := json.Marshal(c.Spans); err == nil && len(c.Spans) > 0 {
		r.SpansJSON = string(b)
	}
	return r
}

// unit scales a fraction to the coverage bar's 1000 units.
func unit(f float64) string { return strconv.FormatFloat(math.Min(math.Max(f, 0), 1)*1000, 'f', 1, 64) }

// moment writes seconds into a recording as m:ss, like the clock template
// function.
func moment(seconds float64) string {
	n := int(seconds + 0.5)
	return fmt.Sprintf("%d:%02d", n/60, n%60)
}

// maxPlayerJSON bounds what the player sends: a comment of
// video.MaxComment characters, or a few hundred watched spans.
const maxPlayerJSON = 64 << 10

// isJSON reports whether a request carries JSON: the player's fetch,
// rather than a form.
func isJSON(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/json"
}

// replyJSON answers the player: v with status, or err as the API's error
// document.
func (s *Server) replyJSON(w http.ResponseWriter, r *http.Request, status int, v any, err error) error {
	if err != nil {
		var body httpx.ErrorBody
		status, body = httpx.NewErrorBody(err)
		if status == http.StatusInternalServerError {
			s.log.Error("player request failed", slog.String("method", r.Method), slog.String("path", httpx.LogPath(r)), slog.Any("error", err))
		}
		v = body
	}
	httpx.SetRetryAfter(w, status)
	httpx.WriteJSON(w, status, v)
	return nil
}

type commentInput struct {
	AtSeconds float64 `json:"at_seconds"`
	Body      string  `json:"body"`
}

type commentJSON struct {
	ID          int64      `json:"id"`
	RecordingID int64      `json:"media_id"`
	AtSeconds   float64    `json:"at_seconds"`
	Body        string     `json:"body"`
	Author      authorJSON `json:"author"`
	CreatedAt   string     `json:"created_at"`
}

type authorJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// addMediaComment pins a comment to a moment of a recording. A form post
// (at as m:ss or seconds, and body) goes back to the answer on its
// application page. The player sends JSON ({"at_seconds","body"}) and
// gets the comment back, 201, to list it without a reload.
func (s *Server) addMediaComment(w http.ResponseWriter, r *http.Request, m account.Member) error {
	if !isJSON(r) {
		return s.postMediaComment(w, r, m)
	}
	c, err := s.commentFromJSON(w, r, m)
	return s.replyJSON(w, r, http.StatusCreated, newCommentJSON(c), err)
}

func newCommentJSON(c video.Comment) commentJSON {
	return commentJSON{ID: c.ID, RecordingID: c.RecordingID, AtSeconds: c.At, Body: c.Body,
		Author: authorJSON{ID: c.MemberID, Name: c.Author}, CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339)}
}

func (s *Server) commentFromJSON(w http.ResponseWriter, r *http.Request, m account.Member) (video.Comment, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return video.Comment{}, apperr.NotFound("recording")
	}
	var in commentInput
	if err := httpx.DecodeJSON(w, r, &in, maxPlayerJSON); err != nil {
		return video.Comment{}, err
	}
	return s.Videos.AddComment(r.Context(), m, id, in.AtSeconds, in.Body)
}

func (s *Server) postMediaComment(w http.ResponseWriter, r *http.Request, m account.Member) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return apperr.NotFound("recording")
	}
	rec, err := s.Videos.Get(r.Context(), video.MemberViewer(m), id)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	draft := commentDraft{At: r.PostFormValue("at"), Body: r.PostFormValue("body")}
	at, err := parseMoment(draft.At)
	var c video.Comment
	if err == nil {
		c, err = s.Videos.AddComment(r.Context(), m, id, at, draft.Body)
	}
	if err != nil {
		return s.refuseComment(w, r, m, rec, draft, err)
	}
	s.setFlash(w, "Your comment at "+moment(c.At)+" is added.")
	return redirect(w, r, recordingPage(rec))
}

// refuseComment shows the application page again with the reason beside
// the comment form, keeping what was typed.
func (s *Server) refuseComment(w http.ResponseWriter, r *http.Request, m account.Member, rec video.Recording, draft commentDraft, err error) error {
	msg, status, err := formProblem(err)
	if err != nil {
		return err
	}
	if rec.Purpose == video.Answer {
		data, err := s.applicationData(r, m, rec.ApplicationID)
		if err != nil {
			return err
		}
		for _, st := range data.Steps {
			if st.Video != nil && st.Video.Take.ID == rec.ID {
				draft.Error = "Your comment was not added: " + strings.TrimSuffix(msg, ".") + "."
				st.Video.Draft = draft
				s.render(w, r, status, "application_show", s.teamPage(r.Context(), m, "jobs", data.App.Candidate.Name, data))
				return nil
			}
		}
	}
	// An earlier take, or a team video: no form to show it beside.
	s.setFlash(w, "Your comment was not added: "+msg)
	return redirect(w, r, recordingPage(rec))
}

// recordingPage is where a recording is watched.
func recordingPage(rec video.Recording) string {
	if rec.Purpose == video.Answer {
		return fmt.Sprintf("/applications/%d#media-%d", rec.ApplicationID, rec.ID)
	}
	return fmt.Sprintf("/interviews/%d", rec.InterviewID)
}

// momentPattern is a moment as people type it: seconds (42, 42.5), or
// minutes and seconds (0:42), or hours too (1:02:03).
var momentPattern = regexp.MustCompile(`^(?:(?:(\d{1,2}):)?(\d{1,3}):)?(\d{1,5}(?:\.\d{1,3})?)$`)

// parseMoment reads a moment of a recording typed into the comment form.
func parseMoment(s string) (float64, error) {
	bad := apperr.Invalid("at_seconds", "say when in the recording as minutes:seconds, such as 1:05")
	p := momentPattern.FindStringSubmatch(strings.TrimSpace(s))
	if p == nil {
		return 0, bad
	}
	hours, _ := strconv.Atoi(p[1])
	minutes, _ := strconv.Atoi(p[2])
	seconds, _ := strconv.ParseFloat(p[3], 64)
	if (p[2] != "" && seconds >= 60) || (p[1] != "" && minutes >= 60) {
		return 0, bad
	}
	return float64(hours*3600+minutes*60) + seconds, nil
}

type viewsInput struct {
	Spans []video.Span `json:"spans"`
}

// addMediaViews adds spans the player played ({"spans": [[start, end],
// …]}, seconds) to the member's coverage of a recording, and answers
// with how much of it they have watched in all ({"watched_seconds"}).
func (s *Server) addMediaViews(w http.ResponseWriter, r *http.Request, m account.Member) error {
	watched, err := s.watched(w, r, m)
	return s.replyJSON(w, r, http.StatusOK, map[string]float64{"watched_seconds": math.Round(watched*100) / 100}, err)
}

func (s *Server) watched(w http.ResponseWriter, r *http.Request, m account.Member) (float64, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, apperr.NotFound("recording")
	}
	// Only a script sends JSON, and a cross-site page cannot without
	// asking first: a form cannot forge a report.
	if !isJSON(r) {
		return 0, apperr.Invalid("", "send the watched spans as JSON, with Content-Type: application/json")
	}
	var in viewsInput
	if err := httpx.DecodeJSON(w, r, &in, maxPlayerJSON); err != nil {
		return 0, err
	}
	return s.Videos.Watched(r.Context(), m, id, in.Spans)
}

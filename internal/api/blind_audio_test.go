package api

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/anyhour/anyhour/internal/video"
)

// TestBlindRecordingsInTheAPI: while a job is reviewed blind, its team's
// recordings carry audio_url and no address of the video, the poster or
// the MP4 copy, whose files answer 404; the candidate's own view keeps
// them. Every response is checked against the OpenAPI document.
func TestBlindRecordingsInTheAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.bootstrap(t, "owner", "Acme", "owner@acme.example")
	ctx := context.Background()
	w.flow(t, []scenario{
		{name: "job", method: "POST", path: "/api/v1/jobs", token: "owner", want: http.StatusCreated,
			body: `{"title": "Support"}`, checks: []check{save("id", "job")}},
		{name: "interview", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusCreated,
			body:   `{"job_id": {job}, "title": "Hello", "steps": [{"kind": "video", "title": "Introduce yourself", "max_seconds": 90}]}`,
			checks: []check{save("id", "interview"), save("steps.0.id", "step")}},
		{name: "invite", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner", want: http.StatusCreated,
			body:   `{"candidates": [{"name": "Ada Lovelace", "email": "ada@example.com"}]}`,
			checks: []check{save("invitations.0.token", "ada"), save("invitations.0.application_id", "app")}},
		{name: "ada agrees to be recorded", method: "POST", path: "/api/v1/candidate/video_consent", token: "ada", want: http.StatusOK},
	})
	a, err := w.Applications.ByToken(ctx, w.vars["ada"])
	if err != nil {
		t.Fatal(err)
	}
	stepID, _ := strconv.ParseInt(w.vars["step"], 10, 64)
	if _, err := w.Videos.BeginUpload(ctx, video.CandidateViewer(a), video.UploadRequest{StepID: stepID, Length: -1}, "take1"); err != nil {
		t.Fatal(err)
	}
	m, err := w.Videos.FinishUpload(ctx, "take1", 1000)
	if err != nil {
		t.Fatal(err)
	}
	w.vars["take"] = strconv.FormatInt(m.ID, 10)
	// As the worker leaves it: every file made.
	if _, err := w.db.Exec(ctx, `UPDATE media SET status = 'ready', playable_key = 'p', content_type = 'video/webm', poster_key = 'q',
		rendition_key = 'r', audio_key = 'a', audio_status = 'ready', duration_seconds = 3 WHERE id = $1`, m.ID); err != nil {
		t.Fatal(err)
	}
	const base = "/api/v1/media/{take}/"
	w.flow(t, []scenario{
		{name: "ada submits", method: "POST", path: "/api/v1/candidate/submit", token: "ada", want: http.StatusOK},
		{name: "not blind: every address", method: "GET", path: "/api/v1/applications/{app}", token: "owner", want: http.StatusOK,
			checks: []check{is("answers.0.media.content_type", "video/webm"), notEmpty("answers.0.media.url"), notEmpty("answers.0.media.poster_url"),
				notEmpty("answers.0.media.mp4_url"), notEmpty("answers.0.media.audio_url")}},
		{name: "the job turns blind", method: "PUT", path: "/api/v1/jobs/{job}/blind", token: "owner", want: http.StatusOK,
			body: `{"blind": true}`},
		{name: "blind: the sound alone", method: "GET", path: "/api/v1/applications/{app}", token: "owner", want: http.StatusOK,
			checks: []check{absent("answers.0.media.url"), absent("answers.0.media.poster_url"), absent("answers.0.media.mp4_url"),
				is("answers.0.media.content_type", "audio/mp4"), notEmpty("answers.0.media.audio_url"),
				absent("answers.0.takes.0.url"), absent("answers.0.takes.0.poster_url"), absent("answers.0.takes.0.mp4_url")}},
		{name: "blind: no video", method: "GET", path: base + "video", token: "owner", want: http.StatusNotFound,
			checks: []check{errorIs("not_found", "this job is reviewed blind: you hear the answer; the video is withheld until the candidate is revealed")}},
		{name: "blind: no poster", method: "GET", path: base + "poster", token: "owner", want: http.StatusNotFound,
			checks: []check{errorIs("not_found", "reviewed blind")}},
		{name: "blind: no MP4 copy", method: "GET", path: base + "video.mp4", token: "owner", want: http.StatusNotFound,
			checks: []check{errorIs("not_found", "reviewed blind")}},
		{name: "the candidate still sees their own", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: []check{notEmpty("answers.0.media.url"), notEmpty("answers.0.media.poster_url"), is("answers.0.media.content_type", "video/webm")}},
	})
}

package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/video"
)

// TestVideoAnswersInTheAPI covers a video step through the API: its
// settings, agreeing to be recorded, a take as the candidate and the team
// see it, choosing a take, comments pinned to moments, watch reports, and
// who may do what.
func TestVideoAnswersInTheAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.bootstrap(t, "owner", "Acme", "owner@acme.example")
	w.bootstrap(t, "other", "Globex", "owner@globex.example")
	ctx := context.Background()

	w.flow(t, []scenario{
		{name: "job", method: "POST", path: "/api/v1/jobs", token: "owner", want: http.StatusCreated,
			body: `{"title": "Support"}`, checks: []check{save("id", "job")}},
		{name: "interview with a video step", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusCreated,
			body: `{"job_id": {job}, "title": "Hello", "practice": true, "steps": [{"kind": "video", "title": "Introduce yourself", "think_seconds": 20, "max_seconds": 90, "retakes": 1}]}`,
			checks: []check{save("id", "interview"), save("steps.0.id", "step"), is("practice", true),
				is("steps.0.think_seconds", 20), is("steps.0.max_seconds", 90), is("steps.0.retakes", 1), absent("steps.0.max_words")}},
		{name: "a setting of another kind", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusBadRequest,
			body:   `{"job_id": {job}, "title": "Hello", "steps": [{"kind": "video", "title": "Hi", "max_words": 10}]}`,
			checks: []check{errorIs("invalid", "max_words is a setting of text steps")}},
		{name: "invite", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner", want: http.StatusCreated,
			body:   `{"candidates": [{"name": "Ada Lovelace", "email": "ada@example.com"}, {"name": "Bob", "email": "bob@example.com"}]}`,
			checks: []check{save("invitations.0.token", "ada"), save("invitations.0.application_id", "app"), save("invitations.1.token", "bob")}},
		{name: "nobody has agreed to be recorded yet", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: []check{is("application.video_consent_at", nil)}},
		{name: "ada agrees to be recorded", method: "POST", path: "/api/v1/candidate/video_consent", token: "ada", want: http.StatusOK,
			checks: []check{notEmpty("application.video_consent_at")}},
		{name: "bob agrees to be recorded", method: "POST", path: "/api/v1/candidate/video_consent", token: "bob", want: http.StatusOK,
			checks: []check{notEmpty("application.video_consent_at")}},
		{name: "the team sees when ada agreed", method: "GET", path: "/api/v1/applications/{app}", token: "owner", want: http.StatusOK,
			checks: []check{notEmpty("video_consent_at")}},
	})

	// Two takes arrive through uploads (package upload drives these calls).
	a, err := w.Applications.ByToken(ctx, w.vars["ada"])
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.Applications.ByToken(ctx, w.vars["bob"])
	if err != nil {
		t.Fatal(err)
	}
	stepID, _ := strconv.ParseInt(w.vars["step"], 10, 64)
	var takes []video.Recording
	for i := range 2 {
		id := "take" + strconv.Itoa(i)
		m, err := w.Videos.BeginUpload(ctx, video.CandidateViewer(a), video.UploadRequest{StepID: stepID, Length: -1}, id)
		if err != nil {
			t.Fatal(err)
		}
		if m, err = w.Videos.FinishUpload(ctx, id, 1000); err != nil {
			t.Fatal(err)
		}
		takes = append(takes, m)
	}
	w.vars["take1"], w.vars["take2"] = strconv.FormatInt(takes[0].ID, 10), strconv.FormatInt(takes[1].ID, 10)
	if _, err := w.Videos.BeginUpload(ctx, video.CandidateViewer(a), video.UploadRequest{StepID: stepID, Length: -1}, "take3"); err == nil {
		t.Error("a third take was allowed on a step with one retake")
	}

	w.flow(t, []scenario{
		{name: "the candidate sees both takes, the newest as the answer", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: []check{is("answers.0.kind", "video"), is("answers.0.media.id", "{take2}"), is("answers.0.media.status", "processing"),
				is("answers.0.media.take", 2), is("answers.0.takes.#", 2), is("answers.0.media.url", ""), is("answers.0.media.duration_seconds", nil)}},
		{name: "the candidate chooses the first take", method: "PUT", path: "/api/v1/candidate/answers/{step}", token: "ada", want: http.StatusOK,
			body: `{"media_id": {take1}}`, checks: []check{is("media.id", "{take1}")}},
		{name: "a take and text at once", method: "PUT", path: "/api/v1/candidate/answers/{step}", token: "ada", want: http.StatusBadRequest,
			body: `{"media_id": {take1}, "text": "hi"}`, checks: []check{errorIs("invalid", "media_id alone")}},
		{name: "another candidate's take", method: "PUT", path: "/api/v1/candidate/answers/{step}", token: "bob", want: http.StatusNotFound,
			body: `{"media_id": {take1}}`},
		{name: "before ada submits, the team sees progress only", method: "GET", path: "/api/v1/applications/{app}", token: "owner", want: http.StatusOK,
			checks: []check{is("answers.#", 0), is("progress.answered.#", 1), is("progress.answered.0.step_id", "{step}")}},
		{name: "nor can it fetch the take", method: "GET", path: "/api/v1/media/{take1}/video", token: "owner", want: http.StatusNotFound},
		{name: "ada submits", method: "POST", path: "/api/v1/candidate/submit", token: "ada", want: http.StatusOK},
		{name: "the team sees the answer", method: "GET", path: "/api/v1/applications/{app}", token: "owner", want: http.StatusOK,
			checks: []check{is("answers.0.media.id", "{take1}"), is("answers.0.takes.#", 2), is("answers.0.score", nil)}},
		{name: "file while processing", method: "GET", path: "/api/v1/media/{take1}/video", token: "owner", want: http.StatusConflict,
			checks: []check{errorIs("conflict", "still being processed")}},
		{name: "an unknown file", method: "GET", path: "/api/v1/media/{take1}/secrets", token: "owner", want: http.StatusNotFound},
		{name: "another candidate's file", method: "GET", path: "/api/v1/media/{take1}/video", token: "bob", want: http.StatusNotFound},
		{name: "another organisation's file", method: "GET", path: "/api/v1/media/{take1}/video", token: "other", want: http.StatusNotFound},
		{name: "no token", method: "GET", path: "/api/v1/media/{take1}/video", want: http.StatusUnauthorized},

		{name: "comment", method: "POST", path: "/api/v1/media/{take1}/comments", token: "owner", want: http.StatusCreated,
			body:   `{"at_seconds": 12.34, "body": "Clear example of <b>ownership</b>."}`,
			checks: []check{is("at_seconds", 12.3), is("body", "Clear example of <b>ownership</b>."), is("author.name", "owner")}},
		{name: "an empty comment", method: "POST", path: "/api/v1/media/{take1}/comments", token: "owner", want: http.StatusBadRequest,
			body: `{"at_seconds": 1, "body": "  "}`, checks: []check{errorIs("invalid", "comment")}},
		{name: "a comment before the start", method: "POST", path: "/api/v1/media/{take1}/comments", token: "owner", want: http.StatusBadRequest,
			body: `{"at_seconds": -1, "body": "x"}`},
		{name: "a comment with an unknown field", method: "POST", path: "/api/v1/media/{take1}/comments", token: "owner", want: http.StatusBadRequest,
			body: `{"at_seconds": 1, "body": "x", "private": true}`},
		{name: "a comment on another organisation's recording", method: "POST", path: "/api/v1/media/{take1}/comments", token: "other", want: http.StatusNotFound,
			body: `{"at_seconds": 1, "body": "x"}`},
		{name: "comments", method: "GET", path: "/api/v1/media/{take1}/comments", token: "owner", want: http.StatusOK,
			checks: []check{is("comments.#", 1), is("comments.0.at_seconds", 12.3)}},
		{name: "candidates read no comments", method: "GET", path: "/api/v1/media/{take1}/comments", token: "ada", want: http.StatusUnauthorized},

		{name: "watched", method: "POST", path: "/api/v1/media/{take1}/views", token: "owner", want: http.StatusOK,
			body: `{"spans": [[0, 10], [5, 12]]}`, checks: []check{near("watched_seconds", 12)}},
		{name: "watched again, overlapping", method: "POST", path: "/api/v1/media/{take1}/views", token: "owner", want: http.StatusOK,
			body: `{"spans": [[11, 20], [30, 31]]}`, checks: []check{near("watched_seconds", 21)}},
		{name: "a backwards span", method: "POST", path: "/api/v1/media/{take1}/views", token: "owner", want: http.StatusBadRequest,
			body: `{"spans": [[10, 5]]}`},
		{name: "a span that is not a pair", method: "POST", path: "/api/v1/media/{take1}/views", token: "owner", want: http.StatusBadRequest,
			body: `{"spans": [[1, 2, 3]]}`},
	})

	// Coverage and comments are the team's: the candidate's view has none.
	cov, err := w.Videos.ApplicationCoverage(ctx, a.OrgID, a.ID)
	if err != nil || len(cov[takes[0].ID]) != 1 || cov[takes[0].ID][0].Seconds != 21 {
		t.Errorf("coverage = %+v, %v", cov, err)
	}
	// A take still uploading stops a submission.
	if _, err := w.Videos.BeginUpload(ctx, video.CandidateViewer(b), video.UploadRequest{StepID: stepID, Length: -1}, "bob1"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Applications.Submit(ctx, b); err == nil || !strings.Contains(err.Error(), "still uploading") {
		t.Errorf("submit while uploading: %v", err)
	}
}

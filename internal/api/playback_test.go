package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/anyhour/anyhour/internal/activity"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
)

// TestCodeActivityInTheAPI: a code answer carries what the editor
// recorded (its events, typing time and, for the team, the record's
// URL) once submitted, and the record replays to the saved code; before
// submission, to another organisation and to the candidate's token the
// record is not there.
func TestCodeActivityInTheAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.bootstrap(t, "owner", "Acme", "owner@acme.example")
	w.bootstrap(t, "other", "Globex", "owner@globex.example")
	om := w.member(t, "owner")
	title := "Engineer"
	job, err := w.Openings.CreateJob(ctx, om, opening.JobInput{Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	starter := "def add(a, b):\n    pass\n"
	steps := []opening.Step{{Kind: opening.KindCode, Title: "Add", Points: 1, Code: &opening.CodeTask{
		Languages: []opening.Language{opening.Python},
		Starter:   map[opening.Language]string{opening.Python: starter},
		Tests:     map[opening.Language]opening.CodeTests{opening.Python: {Visible: "from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n"}},
	}}}
	ivTitle := "Screen"
	iv, err := w.Openings.CreateInterview(ctx, om, opening.InterviewInput{JobID: &job.ID, Title: &ivTitle, Steps: &steps})
	if err != nil {
		t.Fatal(err)
	}
	openingtest.Checked(t, w.Openings, om, iv)
	res, err := w.Applications.Invite(ctx, om, iv.ID, []application.NewCandidate{{Name: "Ada Lovelace", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Invitations[0].Application
	w.vars["ada"] = res.Invitations[0].Token
	w.vars["app"] = strconv.FormatInt(a.ID, 10)
	w.vars["step"] = strconv.FormatInt(iv.Steps[0].ID, 10)
	base := starter
	if _, err := w.Activity.Append(ctx, a, iv.Steps[0].ID, activity.Chunk{Session: "apiSession1", Base: &base, Frames: []json.RawMessage{
		json.RawMessage(`[1200, "P", 12, "return a + b"]`), json.RawMessage(`[2, 19, 23, "return a + b"]`),
		json.RawMessage(`[3000, "B"]`), json.RawMessage(`[9000, "F"]`)}}); err != nil {
		t.Fatal(err)
	}
	code := "def add(a, b):\n    return a + b\n"
	playback := "/api/v1/applications/{app}/steps/{step}/playback"
	w.flow(t, []scenario{
		{name: "save the code", method: "PUT", path: "/api/v1/candidate/answers/{step}", token: "ada", want: http.StatusOK,
			body: `{"language": "python", "code": ` + quoted(code) + `}`},
		{name: "the candidate reads their events", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: []check{is("answers.0.events.0.kind", "paste"), is("answers.0.events.0.first_line", "return a + b"), is("answers.0.events.1.kind", "leave"),
				absent("answers.0.playback_url")}},
		{name: "no record before submission", method: "GET", path: playback, token: "owner", want: http.StatusNotFound},
		{name: "submit", method: "POST", path: "/api/v1/candidate/submit", token: "ada", want: http.StatusOK},
		{name: "the answer carries the events", method: "GET", path: "/api/v1/applications/{app}", token: "owner", want: http.StatusOK,
			checks: []check{is("answers.0.events.0.kind", "paste"), is("answers.0.events.0.length", 12), is("answers.0.events.0.first_line", "return a + b"),
				is("answers.0.events.1.kind", "leave"), is("answers.0.events.2.kind", "return"), is("answers.0.typing_seconds", 0),
				is("answers.0.playback_url", testBaseURL+"/api/v1/applications/"+w.vars["app"]+"/steps/"+w.vars["step"]+"/playback")}},
		{name: "the record", method: "GET", path: playback, token: "owner", want: http.StatusOK,
			checks: []check{is("complete", true), is("code", code), is("language", "python"), is("sessions.0.base", starter), is("sessions.0.continues", false),
				is("sessions.0.frames.1.2", 23)}},
		{name: "another organisation", method: "GET", path: playback, token: "other", want: http.StatusNotFound},
		{name: "the candidate's token", method: "GET", path: playback, token: "ada", want: http.StatusUnauthorized},
		{name: "a step that is not there", method: "GET", path: "/api/v1/applications/{app}/steps/999999/playback", token: "owner", want: http.StatusNotFound},
	})
}

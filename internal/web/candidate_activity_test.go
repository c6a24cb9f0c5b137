package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
)

// addTask is a small Python coding task.
var addTask = opening.Step{Kind: opening.KindCode, Title: "Add", Points: 2, Prompt: "Write `add(a, b)`.",
	Code: &opening.CodeTask{
		Languages: []opening.Language{opening.Python},
		Starter:   map[opening.Language]string{opening.Python: "def add(a, b):\n    pass\n"},
		Tests: map[opening.Language]opening.CodeTests{opening.Python: {
			Visible: "from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n"}},
	}}

// activityWorld is an interview of one coding task with Ada and Bob
// invited, the owner signed in, and each candidate's browser on their link.
type activityWorld struct {
	ts       *testServer
	owner    *browser
	ada, bob *browser
	adaApp   application.Application
	bobApp   application.Application
	step     int64
}

func newActivityWorld(t *testing.T) *activityWorld {
	t.Helper()
	ctx := context.Background()
	w := &activityWorld{ts: newTestServer(t)}
	w.owner = w.ts.signIn(t)
	om := w.ts.member(t, "olivia@acme.example")
	job, err := w.ts.Svc.Openings.CreateJob(ctx, om, opening.JobInput{Title: candPtr("Backend engineer")})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := w.ts.Svc.Openings.CreateInterview(ctx, om, opening.InterviewInput{JobID: &job.ID, Title: candPtr("Coding screen"),
		Steps: &[]opening.Step{addTask}})
	if err != nil {
		t.Fatal(err)
	}
	openingtest.Checked(t, w.ts.Svc.Openings, om, iv)
	res, err := w.ts.Svc.Applications.Invite(ctx, om, iv.ID, []application.NewCandidate{
		{Name: "Ada Lovelace", Email: "ada@example.com"}, {Name: "Bob Byte", Email: "bob@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	w.step = iv.Steps[0].ID
	w.adaApp, w.bobApp = res.Invitations[0].Application, res.Invitations[1].Application
	w.ada, w.bob = w.ts.browser(t), w.ts.browser(t)
	w.ada.get("/c/" + res.Invitations[0].Token)
	w.bob.get("/c/" + res.Invitations[1].Token)
	return w
}

func (w *activityWorld) stepPath(a application.Application) string {
	return "/candidate/" + strconv.FormatInt(a.ID, 10) + "/steps/" + strconv.FormatInt(w.step, 10)
}

func (w *activityWorld) sendFrames(b *browser, a application.Application, body string) (int, map[string]any) {
	resp, text := b.send(http.MethodPost, w.stepPath(a)+"/activity", "application/json", body)
	var out map[string]any
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		b.t.Fatalf("the answer to frames is not JSON (%d): %s", resp.StatusCode, text)
	}
	return resp.StatusCode, out
}

// TestCodeActivityRecorded holds the editor's record to what the
// candidate is told: what is recorded is listed before the step, nothing
// reaches the team before submission, the candidate reads the list after
// it, and the team reads the timeline and the replay, which ends with
// the saved code. A candidate cannot write into another's record, send a
// huge one, or add to it once submitted.
func TestCodeActivityRecorded(t *testing.T) {
	t.Parallel()
	w := newActivityWorld(t)

	// Told before the step, on the welcome page and on the step.
	_, body := w.ada.get("/candidate/" + strconv.FormatInt(w.adaApp.ID, 10))
	doc := candHTML(t, body)
	if got := candText(doc, "#recorded-h"); got != "What the code editor records" {
		t.Fatalf("the welcome page does not say what the editor records: %q", got)
	}
	for _, promise := range []string{"each change you make to your code", "when you paste or drop text", "when you leave the page",
		"how long you spend typing", "for the team to read once you submit", "none of it stops you: pasting is allowed"} {
		if !strings.Contains(doc.Find(".code-disclosure").Text(), promise) {
			t.Errorf("the disclosure does not say %q", promise)
		}
	}
	_, body = w.ada.get(w.stepPath(w.adaApp))
	if candHTML(t, body).Find("details#code-disclosure li").Length() != 4 {
		t.Error("the code step does not say what the editor records")
	}

	// The editor's frames, as code_record.js sends them: a paste of a
	// solution over the starter's "pass".
	starter := addTask.Code.Starter[opening.Python]
	chunk := func(seq int, frames ...string) string {
		base := "null"
		if seq == 0 {
			b, _ := json.Marshal(starter)
			base = string(b)
		}
		return fmt.Sprintf(`{"session": "adaSession1", "seq": %d, "started": 0, "base": %s, "frames": [%s]}`, seq, base, strings.Join(frames, ","))
	}
	status, out := w.sendFrames(w.ada, w.adaApp, chunk(0, `[900, "P", 12, "return a + b"]`, `[3, 19, 23, "return a + b"]`))
	if status != http.StatusOK || out["next"] != 2.0 {
		t.Fatalf("frames: %d %v", status, out)
	}
	status, out = w.sendFrames(w.ada, w.adaApp, chunk(2, `[4000, "B"]`, `[60000, "F"]`, `[700, 31, 31, "  # sum"]`))
	if status != http.StatusOK || out["next"] != 5.0 {
		t.Fatalf("more frames: %d %v", status, out)
	}
	code := "def add(a, b):\n    return a + b  # sum\n"
	resp, _ := w.ada.post(w.stepPath(w.adaApp), url.Values{"language": {"python"}, "code": {code}, "then": {"stay"}})
	teamMust(t, "save the code", resp, "", http.StatusOK)

	// What is wrong is refused in JSON, and changes nothing.
	for name, body := range map[string]string{
		"malformed JSON":   `{"session": "adaSession1", "seq": `,
		"an unknown field": `{"session": "adaSession1", "seq": 5, "frames": [], "application_id": 2}`,
		"a broken frame":   `{"session": "adaSession1", "seq": 5, "frames": [[1, 99, 2, "x"]]}`,
	} {
		if status, out := w.sendFrames(w.ada, w.adaApp, body); status != http.StatusBadRequest || out["error"] == nil {
			t.Errorf("%s: %d %v", name, status, out)
		}
	}
	if status, out := w.sendFrames(w.ada, w.adaApp, chunk(9, `[1, 0, 0, "x"]`)); status != http.StatusConflict || out["next"] != 5.0 {
		t.Errorf("frames after a gap: %d %v, want 409 and the number to send from", status, out)
	}
	// Ada cannot write into Bob's record: her link does not open his
	// application, whatever the URL says.
	if resp, _ := w.ada.send(http.MethodPost, w.stepPath(w.bobApp)+"/activity", "application/json", chunk(0, `[1, 0, 0, "x"]`)); resp.StatusCode == http.StatusOK {
		t.Errorf("Ada wrote into Bob's record: %d", resp.StatusCode)
	}
	// A 100 MB record is refused as it arrives, without being read.
	req, _ := http.NewRequest(http.MethodPost, w.ts.URL+w.stepPath(w.adaApp)+"/activity", io.LimitReader(zeros{}, 100<<20))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range w.ada.cookie {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a 100 MB record: %d, want 413", resp.StatusCode)
		}
	} else {
		t.Errorf("a 100 MB record: %v, want 413", err)
	}
	for _, a := range []application.Application{w.bobApp} {
		if rec, _ := w.ts.Svc.Activity.Record(context.Background(), a.ID, w.step); len(rec.Sessions) != 0 {
			t.Errorf("Bob's record holds sessions he never sent: %+v", rec.Sessions)
		}
	}

	// Nothing reaches the team before Ada submits.
	appPath := "/applications/" + strconv.FormatInt(w.adaApp.ID, 10)
	playback := appPath + "/steps/" + strconv.FormatInt(w.step, 10) + "/playback"
	_, body = w.owner.get(appPath)
	if strings.Contains(body, "How it was written") || strings.Contains(body, "return a + b") {
		t.Error("the team reads the record before submission")
	}
	for _, p := range []string{playback, playback + ".json"} {
		if resp, _ := w.owner.get(p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s before submission: %d, want 404", p, resp.StatusCode)
		}
	}

	resp, body = w.ada.post("/candidate/"+strconv.FormatInt(w.adaApp.ID, 10)+"/submit", url.Values{})
	teamMust(t, "submit", resp, body, http.StatusOK)
	if status, out := w.sendFrames(w.ada, w.adaApp, chunk(5, `[1, 0, 0, "x"]`)); status != http.StatusConflict || out["error"] == nil {
		t.Errorf("frames after submission: %d %v, want 409", status, out)
	}

	// The candidate reads what was recorded on the step.
	_, body = w.ada.get(w.stepPath(w.adaApp))
	doc = candHTML(t, body)
	rec := doc.Find(".code-activity").Text()
	for _, want := range []string{"What the editor recorded", "1 paste (12 characters)", "left the page 1 time", "Pasted 12 characters: return a + b", "Left the page", "Came back to the page"} {
		if !strings.Contains(strings.Join(strings.Fields(rec), " "), want) {
			t.Errorf("the candidate's list lacks %q:\n%s", want, rec)
		}
	}

	// The team: the timeline beside the code, and the replay.
	_, body = w.owner.get(appPath)
	doc = candHTML(t, body)
	timeline := strings.Join(strings.Fields(doc.Find(".code-activity").Text()), " ")
	for _, want := range []string{"How it was written", "Pasted 12 characters: return a + b", "0:01 Pasted", "1:05 Came back to the page", "never a verdict"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the team's timeline lacks %q:\n%s", want, timeline)
		}
	}
	if href, _ := doc.Find(".code-activity a").Attr("href"); href != playback {
		t.Errorf("the replay link is %q, want %q", href, playback)
	}
	resp, body = w.owner.get(playback)
	teamMust(t, "the replay page", resp, body, http.StatusOK)
	if got := candText(candHTML(t, body), "h1"); got != "How Ada Lovelace wrote “Add”" {
		t.Errorf("the replay's heading: %q", got)
	}
	resp, body = w.owner.get(playback + ".json")
	var pb struct {
		Complete bool   `json:"complete"`
		Problem  string `json:"problem"`
		Code     string `json:"code"`
		Sessions []struct {
			Base   string            `json:"base"`
			Frames []json.RawMessage `json:"frames"`
		} `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(body), &pb); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the record: %d %v\n%s", resp.StatusCode, err, body)
	}
	if !pb.Complete || pb.Code != code || len(pb.Sessions) != 1 || len(pb.Sessions[0].Frames) != 5 || pb.Sessions[0].Base != starter {
		t.Errorf("the record: %+v", pb)
	}

	// Another organisation reads none of it.
	rival := teamOtherOrg(t, w.ts)
	for _, p := range []string{playback, playback + ".json"} {
		if resp, _ := rival.get(p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another organisation's %s: %d, want 404", p, resp.StatusCode)
		}
	}
}

// zeros reads as endless zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

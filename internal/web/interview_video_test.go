package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
	"github.com/anyhour/anyhour/internal/opening"
)

// ivvForm reads the fields of the form sel matches the way a browser
// would submit it: text, number and hidden inputs and textareas, and
// checkboxes and radio buttons only when ticked, and selects with their
// chosen option.
func ivvForm(doc *goquery.Document, sel string) url.Values {
	v := url.Values{}
	doc.Find(sel).Find("input[name], textarea[name], select[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch goquery.NodeName(s) {
		case "textarea":
			v.Add(name, s.Text())
			return
		case "select":
			val, _ := s.Find("option[selected]").First().Attr("value")
			if val == "" {
				val, _ = s.Find("option").First().Attr("value")
			}
			v.Add(name, val)
			return
		}
		typ, _ := s.Attr("type")
		if typ == "checkbox" || typ == "radio" {
			if _, on := s.Attr("checked"); !on {
				return
			}
		}
		val, _ := s.Attr("value")
		v.Add(name, val)
	})
	return v
}

func ivvValue(doc *goquery.Document, sel string) string {
	v, _ := doc.Find(sel).Attr("value")
	return v
}

// TestInterviewEditorVideoSteps adds a video step through the editor
// without JavaScript, as a recruiter does, and edits it again.
func TestInterviewEditorVideoSteps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	resp, body := owner.post("/jobs", url.Values{"title": {"Support engineer"}})
	teamMust(t, "create job", resp, body, http.StatusOK)
	jobID := teamLastID(t, resp.Request.URL.Path)

	resp, body = owner.get(fmt.Sprintf("/interviews/new?job=%d", jobID))
	doc := teamMust(t, "new interview", resp, body, http.StatusOK)
	if doc.Find(`input[type="checkbox"][name="practice"]`).Length() != 1 || doc.Find(`input[name="practice"][checked]`).Length() != 0 {
		t.Error("the new interview form lacks an unticked practice box")
	}
	f := ivvForm(doc, "form.editor")
	f.Set("title", "Video round")
	f.Set("steps.0.title", "Why support")
	f.Set("action", "add_video")
	resp, body = owner.post("/interviews", f)
	doc = teamMust(t, "add video step", resp, body, http.StatusOK)
	if doc.Find(`input[name="steps.1.kind"][value="video"]`).Length() != 1 {
		t.Fatal("no video step block after add_video")
	}
	if got := teamText(doc, "#step-1 legend"); !strings.Contains(got, "Video answer") {
		t.Errorf("video step legend %q", got)
	}
	for sel, want := range map[string]string{
		`input[name="steps.1.think_seconds"]`: "30", `input[name="steps.1.max_length"]`: "2:00",
		`input[name="steps.1.retakes"]`: "1", `input[name="steps.1.minutes"]`: "", `input[name="steps.0.title"]`: "Why support",
	} {
		if doc.Find(sel).Length() != 1 || ivvValue(doc, sel) != want {
			t.Errorf("%s: %d fields, value %q, want %q", sel, doc.Find(sel).Length(), ivvValue(doc, sel), want)
		}
	}
	if hint := teamText(doc, "#s1-video-hint"); !strings.Contains(hint, "2:00") || !strings.Contains(hint, "seconds, such as 90") {
		t.Errorf("the length hint %q does not say how to write it", hint)
	}

	// Errors come back on the form, with what was typed.
	f = ivvForm(doc, "form.editor")
	f.Set("steps.1.title", "Tell us about a hard ticket")
	f.Set("action", "save")
	for _, tc := range []struct{ field, value, want string }{
		{"max_length", "5", "between 10 and 1800 seconds"},
		{"max_length", "45:00", "between 10 and 1800 seconds"},
		{"max_length", "1:3", "minutes:seconds, such as 2:00"},
		{"retakes", "11", "retakes must be between 0 (one take) and 10"},
		{"think_seconds", "601", "think time must be between 0"},
	} {
		bad := url.Values{}
		for k, v := range f {
			bad[k] = v
		}
		bad.Set("steps.1."+tc.field, tc.value)
		resp, body = owner.post("/interviews", bad)
		doc = teamMust(t, tc.field+" "+tc.value, resp, body, http.StatusBadRequest)
		if msg := teamText(doc, ".error"); !strings.Contains(msg, tc.want) || !strings.Contains(msg, "step 2") {
			t.Errorf("%s %q: error %q, want step 2 and %q", tc.field, tc.value, msg, tc.want)
		}
		if got := ivvValue(doc, `input[name="steps.1.`+tc.field+`"]`); got != tc.value {
			t.Errorf("%s: the typed %q came back as %q", tc.field, tc.value, got)
		}
	}

	f.Set("steps.1.think_seconds", "30")
	f.Set("steps.1.max_length", "2:00")
	f.Set("steps.1.retakes", "2")
	f.Set("practice", "1")
	resp, body = owner.post("/interviews", f)
	doc = teamMust(t, "save", resp, body, http.StatusOK)
	ivID := teamLastID(t, resp.Request.URL.Path)
	if got := teamText(doc, "ol.steps > li:nth-child(2) .meta"); got != "Video answer · about 9 min · up to 2:00 per take, 30 s to think, 3 takes" {
		t.Errorf("video step on the interview page: %q", got)
	}
	if doc.Find(".practice-note").Length() != 1 {
		t.Error("the interview page does not say a practice question is offered")
	}
	if doc.Find(fmt.Sprintf(`a[href="/interviews/%d/videos"]`, ivID)).Length() == 0 {
		t.Error("the interview page does not link to its videos")
	}
	iv, err := ts.Svc.Openings.Interview(ctx, teamOwner(t, ts), ivID)
	if err != nil {
		t.Fatal(err)
	}
	st := iv.Steps[1]
	if !iv.Practice || st.Kind != opening.KindVideo || st.ThinkSeconds != 30 || st.MaxSeconds != 120 || st.Retakes != 2 || st.Minutes != 9 {
		t.Fatalf("saved: practice %v, step %+v", iv.Practice, st)
	}

	// The editor shows the saved settings; a save without changes keeps
	// them, and the practice box round-trips both ways.
	edit := fmt.Sprintf("/interviews/%d/edit", ivID)
	resp, body = owner.get(edit)
	doc = teamMust(t, "edit", resp, body, http.StatusOK)
	if doc.Find(`input[name="practice"][checked]`).Length() != 1 {
		t.Error("practice is not ticked in the editor")
	}
	if a, b, c, d := ivvValue(doc, `input[name="steps.1.think_seconds"]`), ivvValue(doc, `input[name="steps.1.max_length"]`),
		ivvValue(doc, `input[name="steps.1.retakes"]`), ivvValue(doc, `input[name="steps.1.minutes"]`); a != "30" || b != "2:00" || c != "2" || d != "" {
		t.Errorf("editor: think %q, length %q, retakes %q, minutes %q", a, b, c, d)
	}
	f = ivvForm(doc, "form.editor")
	f.Set("action", "save")
	resp, body = owner.post(fmt.Sprintf("/interviews/%d", ivID), f)
	teamMust(t, "save unchanged", resp, body, http.StatusOK)
	if again, _ := ts.Svc.Openings.Interview(ctx, teamOwner(t, ts), ivID); !again.Practice || !cmp.Equal(again.Steps, iv.Steps) {
		t.Errorf("an unchanged save changed the steps (practice %v):\n%s", again.Practice, cmp.Diff(iv.Steps, again.Steps))
	}

	f.Del("practice")
	f.Set("steps.1.think_seconds", "0")
	f.Set("steps.1.max_length", "90")
	f.Set("steps.1.retakes", "0")
	resp, body = owner.post(fmt.Sprintf("/interviews/%d", ivID), f)
	doc = teamMust(t, "edit video step", resp, body, http.StatusOK)
	if got := teamText(doc, "ol.steps > li:nth-child(2) .meta"); got != "Video answer · about 3 min · up to 1:30 per take, starts when ready, one take" {
		t.Errorf("edited video step on the interview page: %q", got)
	}
	if doc.Find(".practice-note").Length() != 0 {
		t.Error("practice still offered after unticking it")
	}
	iv2, err := ts.Svc.Openings.Interview(ctx, teamOwner(t, ts), ivID)
	if err != nil {
		t.Fatal(err)
	}
	if iv2.Practice || iv2.Steps[1].ID != st.ID || iv2.Steps[1].MaxSeconds != 90 || iv2.Steps[1].Retakes != 0 || iv2.Steps[1].ThinkSeconds != 0 {
		t.Errorf("after edit: practice %v, step %+v (was id %d)", iv2.Practice, iv2.Steps[1], st.ID)
	}
	resp, body = owner.get(edit)
	doc = teamMust(t, "edit again", resp, body, http.StatusOK)
	if doc.Find(`input[name="practice"][checked]`).Length() != 0 || ivvValue(doc, `input[name="steps.1.max_length"]`) != "1:30" {
		t.Errorf("editor after edit: practice ticked %d, length %q", doc.Find(`input[name="practice"][checked]`).Length(), ivvValue(doc, `input[name="steps.1.max_length"]`))
	}
}

// ivvApp is the whole of anyhour (pages, API and the tus endpoint) over a
// fresh database, for tests that upload videos the way the page's script
// does.
type ivvApp struct {
	*testServer
	app *app.App
}

func newIVVApp(t *testing.T) *ivvApp {
	t.Helper()
	a := apptest.New(t, app.Config{})
	return &ivvApp{testServer: &testServer{Server: a.Server, DB: a.DB, Svc: a.Services}, app: a.App}
}

// process runs the background tasks (ffmpeg) until none is left.
func (x *ivvApp) process(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := x.app.Worker().RunUntilIdle(ctx); err != nil {
		t.Fatal(err)
	}
}

// ivvUpload sends file through the tus endpoint in one PATCH, signed in
// with b's session cookie as the recorder on the page is, and returns the
// new recording's id.
func ivvUpload(t *testing.T, b *browser, file []byte, meta map[string]string) int64 {
	t.Helper()
	var parts []string
	for k, v := range meta {
		parts = append(parts, k+" "+base64.StdEncoding.EncodeToString([]byte(v)))
	}
	send := func(method, to string, h map[string]string, body []byte) *http.Response {
		t.Helper()
		if !strings.HasPrefix(to, "http") {
			to = b.base + to
		}
		req, err := http.NewRequest(method, to, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Tus-Resumable", "1.0.0")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		for k, v := range b.cookie {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("%s %s: %d %s", method, to, resp.StatusCode, msg)
		}
		return resp
	}
	resp := send("POST", "/api/v1/uploads/", map[string]string{"Upload-Length": strconv.Itoa(len(file)),
		"Upload-Metadata": strings.Join(parts, ",")}, nil)
	resp = send("PATCH", resp.Header.Get("Location"), map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}, file)
	id, err := strconv.ParseInt(resp.Header.Get("Anyhour-Media-Id"), 10, 64)
	if err != nil {
		t.Fatalf("the finished upload names no recording: %q", resp.Header.Get("Anyhour-Media-Id"))
	}
	return id
}

// TestInterviewVideosPage records (uploads) an intro and a question video
// through the tus endpoint, follows them on the interview's videos page
// from processing to playable, and removes them; a reviewer may watch
// but not remove, and another organisation sees nothing.
func TestInterviewVideosPage(t *testing.T) {
	t.Parallel()
	ffmpegtest.Require(t)
	ctx := context.Background()
	x := newIVVApp(t)
	owner := x.signIn(t)
	olivia := teamOwner(t, x.testServer)
	job, err := x.Svc.Openings.CreateJob(ctx, olivia, opening.JobInput{Title: candPtr("Support engineer")})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := x.Svc.Openings.CreateInterview(ctx, olivia, opening.InterviewInput{JobID: &job.ID, Title: candPtr("Video round"), Steps: &[]opening.Step{
		{Kind: opening.KindText, Title: "Why support"},
		{Kind: opening.KindVideo, Title: "Introduce yourself"},
		{Kind: opening.KindVideo, Title: "A hard ticket", MaxSeconds: 60},
	}})
	if err != nil {
		t.Fatal(err)
	}
	other, err := x.Svc.Openings.CreateInterview(ctx, olivia, opening.InterviewInput{JobID: &job.ID, Title: candPtr("Other"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Anything"}}})
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/interviews/%d/videos", iv.ID)
	introScope, promptScope := fmt.Sprintf("iv%d-intro", iv.ID), fmt.Sprintf("iv%d-step%d", iv.ID, iv.Steps[1].ID)

	resp, body := owner.get(page)
	doc := teamMust(t, "videos page", resp, body, http.StatusOK)
	wantSlots := []string{introScope, promptScope, fmt.Sprintf("iv%d-step%d", iv.ID, iv.Steps[2].ID), fmt.Sprintf("iv%d-outro", iv.ID)}
	var slots []string
	doc.Find("section.video-slot").Each(func(_ int, s *goquery.Selection) { id, _ := s.Attr("id"); slots = append(slots, id) })
	if strings.Join(slots, " ") != strings.Join(wantSlots, " ") {
		t.Fatalf("slots %q, want %q", slots, wantSlots)
	}
	if n := doc.Find(".slot-none").Length(); n != 4 {
		t.Errorf("%d slots say none yet, want 4", n)
	}
	rec := doc.Find("#" + introScope + " .recorder")
	for attr, want := range map[string]string{"data-scope": introScope, "data-purpose": "intro", "data-interview-id": strconv.FormatInt(iv.ID, 10),
		"data-allow-file": "true", "data-takes-left": "1", "data-max-seconds": "600"} {
		if got, _ := rec.Attr(attr); got != want {
			t.Errorf("intro recorder %s=%q, want %q", attr, got, want)
		}
	}
	if got, _ := doc.Find("#" + promptScope + " .recorder").Attr("data-step-id"); got != strconv.FormatInt(iv.Steps[1].ID, 10) {
		t.Errorf("question recorder data-step-id %q", got)
	}
	if doc.Find(`script[src^="/static/js/recorder.js"]`).Length() != 1 {
		t.Error("the page does not load the recorder")
	}
	introDone, _ := rec.Attr("data-done-url")
	if !strings.HasPrefix(introDone, page+"?") {
		t.Fatalf("done URL %q does not come back to the page", introDone)
	}

	// An intro uploaded as the page's script does, with the session cookie.
	file, err := os.ReadFile(ffmpegtest.WebM(t, t.TempDir(), 2))
	if err != nil {
		t.Fatal(err)
	}
	intro := ivvUpload(t, owner, file, map[string]string{"purpose": "intro", "interview_id": strconv.FormatInt(iv.ID, 10), "filename": "hello.webm", "filetype": "video/webm"})
	resp, body = owner.get(introDone)
	doc = teamMust(t, "back from the recorder", resp, body, http.StatusOK)
	if got := teamText(doc, "#"+introScope+" .slot-processing"); !strings.Contains(got, "Processing… refresh in a moment") {
		t.Errorf("the intro slot says %q while processing", teamText(doc, "#"+introScope))
	}
	if doc.Find("#"+introScope+" video").Length() != 0 || doc.Find("#"+introScope+" .slot-none").Length() != 0 {
		t.Error("a processing intro shows a player or \"none yet\"")
	}
	ivvUpload(t, owner, file, map[string]string{"purpose": "prompt", "step_id": strconv.FormatInt(iv.Steps[1].ID, 10), "filename": "q.webm", "filetype": "video/webm"})
	x.process(t)

	resp, body = owner.get(introDone)
	doc = teamMust(t, "after processing", resp, body, http.StatusOK)
	if doc.Find("#"+introScope+" .slot-processing").Length() != 0 {
		t.Error("still processing after the queue ran")
	}
	player := doc.Find("#" + introScope + " video")
	if src, _ := player.Find("source").Attr("src"); src != fmt.Sprintf("/media/%d/video", intro) {
		t.Errorf("intro player source %q", src)
	}
	poster, _ := player.Attr("poster")
	if poster != fmt.Sprintf("/media/%d/poster", intro) {
		t.Errorf("intro poster %q", poster)
	}
	if resp, body := owner.get(poster); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" || len(body) == 0 {
		t.Errorf("poster: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if doc.Find("#"+promptScope+" video").Length() != 1 || doc.Find(".slot-none").Length() != 2 {
		t.Errorf("question video shown %d, none-yet slots %d (want 1, 2)", doc.Find("#"+promptScope+" video").Length(), doc.Find(".slot-none").Length())
	}
	remove := fmt.Sprintf("/interviews/%d/videos/%d/remove", iv.ID, intro)
	if doc.Find(fmt.Sprintf(`#%s form[method="post"][action="%s"] button`, introScope, remove)).Length() != 1 {
		t.Fatalf("no remove button for the intro")
	}

	// A reviewer watches, but records and removes nothing.
	rita := teamJoin(t, x.testServer, owner, "rita@acme.example", "reviewer")
	resp, body = rita.get(page)
	doc = teamMust(t, "reviewer's videos page", resp, body, http.StatusOK)
	if doc.Find("video").Length() != 2 || doc.Find(".recorder").Length() != 0 || doc.Find(`form[action$="/remove"]`).Length() != 0 {
		t.Errorf("reviewer sees %d players, %d recorders, %d remove forms; want 2, 0, 0",
			doc.Find("video").Length(), doc.Find(".recorder").Length(), doc.Find(`form[action$="/remove"]`).Length())
	}
	if resp, _ := rita.post(remove, url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer's remove: status %d, want 403", resp.StatusCode)
	}

	// Another organisation, and another interview's address, find nothing.
	rival := teamOtherOrg(t, x.testServer)
	if resp, _ := rival.get(page); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's videos page: status %d, want 404", resp.StatusCode)
	}
	if resp, _ := rival.post(remove, url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's remove: status %d, want 404", resp.StatusCode)
	}
	if resp, _ := owner.post(fmt.Sprintf("/interviews/%d/videos/%d/remove", other.ID, intro), url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("remove through another interview: status %d, want 404", resp.StatusCode)
	}
	if tv, _ := x.Svc.Videos.InterviewVideos(ctx, olivia.OrgID, iv.ID); tv.Intro == nil || tv.Intro.ID != intro {
		t.Fatal("the intro was removed by a refused request")
	}

	// A second intro replaces the first; removing it brings the first back,
	// and removing that leaves none.
	second := ivvUpload(t, owner, file, map[string]string{"purpose": "intro", "interview_id": strconv.FormatInt(iv.ID, 10)})
	x.process(t)
	resp, body = owner.post(fmt.Sprintf("/interviews/%d/videos/%d/remove", iv.ID, second), url.Values{})
	doc = teamMust(t, "remove the second intro", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "intro video was removed") || !strings.Contains(got, "used again") {
		t.Errorf("flash %q", got)
	}
	if src, _ := doc.Find("#" + introScope + " video source").Attr("src"); src != fmt.Sprintf("/media/%d/video", intro) {
		t.Errorf("after removing the second intro the page plays %q", src)
	}
	resp, body = owner.post(remove, url.Values{})
	doc = teamMust(t, "remove the intro", resp, body, http.StatusOK)
	if resp.Request.URL.Path != page || !strings.Contains(teamText(doc, ".flash"), "The intro video was removed.") {
		t.Errorf("after remove: %s, flash %q", resp.Request.URL.Path, teamText(doc, ".flash"))
	}
	if doc.Find("#"+introScope+" video").Length() != 0 || doc.Find("#"+introScope+" .slot-none").Length() != 1 {
		t.Error("the removed intro is still shown")
	}
	// A second click on a stale page changes nothing.
	resp, body = owner.post(remove, url.Values{})
	doc = teamMust(t, "remove again", resp, body, http.StatusOK)
	if doc.Find("#"+introScope+" .slot-none").Length() != 1 {
		t.Error("removing twice brought a video back")
	}

	// A file that is not a video fails, and the slot says why.
	ivvUpload(t, owner, []byte("this is not a video, only text named .webm"), map[string]string{"purpose": "outro", "interview_id": strconv.FormatInt(iv.ID, 10)})
	x.process(t)
	resp, body = owner.get(page)
	doc = teamMust(t, "after a failed outro", resp, body, http.StatusOK)
	outro := fmt.Sprintf("#iv%d-outro", iv.ID)
	if got := teamText(doc, outro+" .slot-failed"); !strings.Contains(got, "upload another file") {
		t.Errorf("the outro slot says %q after a failed upload", teamText(doc, outro))
	}
}

package web_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/video"
)

// videoWorld is the whole of anyhour (pages, API, uploads, the worker)
// with an interview of one video step and Ada's application: her take,
// stored as the upload handler stores it, processed and submitted. The
// owner is signed in.
type videoWorld struct {
	*testServer
	app   *app.App
	owner *browser
	om    account.Member
	step  opening.Step
	ada   application.Application
	take  video.Recording // Ada's answer, ready
	// tokens are the candidates' link tokens, by application id.
	tokens map[int64]string
}

func newVideoWorld(t *testing.T, seconds float64) *videoWorld {
	t.Helper()
	ffmpegtest.Require(t)
	ctx := context.Background()
	a := apptest.New(t, app.Config{})
	w := &videoWorld{testServer: &testServer{Server: a.Server, DB: a.DB, Svc: a.Services}, app: a.App}
	w.owner = w.signIn(t)
	w.om = teamOwner(t, w.testServer)
	job, err := a.Openings.CreateJob(ctx, w.om, opening.JobInput{Title: candPtr("Support engineer")})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := a.Openings.CreateInterview(ctx, w.om, opening.InterviewInput{JobID: &job.ID, Title: candPtr("Video screen"),
		Steps: &[]opening.Step{{Kind: opening.KindVideo, Title: "Introduce yourself", Prompt: "Who are you?", MaxSeconds: 60, Retakes: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	w.step = iv.Steps[0]
	w.ada = w.candidate(t, iv.ID, "Ada Lovelace")
	w.upload(t, w.ada, ffmpegtest.WebM(t, t.TempDir(), seconds))
	w.process(t)
	w.submit(t, w.ada)
	if w.take = w.answer(t, w.ada); w.take.Status != video.Ready || w.take.Duration == nil {
		t.Fatalf("Ada's take is %s: %s", w.take.Status, w.take.Error)
	}
	return w
}

// candidate invites name, who agrees to be recorded, and returns the
// application.
func (w *videoWorld) candidate(t *testing.T, ivID int64, name string) application.Application {
	t.Helper()
	ctx := context.Background()
	email := strings.ToLower(strings.Fields(name)[0]) + "@example.com"
	res, err := w.app.Applications.Invite(ctx, w.om, ivID, []application.NewCandidate{{Name: name, Email: email}})
	if err != nil || len(res.Invitations) != 1 {
		t.Fatalf("invite %s: %v %+v", name, err, res)
	}
	// Everyone here records: they have agreed to be recorded.
	if _, err := w.app.Applications.ConsentToVideo(ctx, res.Invitations[0].Application); err != nil {
		t.Fatal(err)
	}
	a, err := w.app.Applications.ByToken(ctx, res.Invitations[0].Token)
	if err != nil {
		t.Fatal(err)
	}
	if w.tokens == nil {
		w.tokens = map[int64]string{}
	}
	w.tokens[a.ID] = res.Invitations[0].Token
	return a
}

// upload stores the file at path as a's take the way the tus handler
// does: begin, write the bytes where tus keeps them, finish. An empty
// path leaves the take uploading.
func (w *videoWorld) upload(t *testing.T, a application.Application, path string) {
	t.Helper()
	ctx := context.Background()
	id := strings.ToLower(rand.Text())
	_, err := w.app.Videos.BeginUpload(ctx, video.CandidateViewer(a),
		video.UploadRequest{StepID: w.step.ID, Filename: "answer.webm", Filetype: "video/webm", Length: -1}, id)
	if err != nil {
		t.Fatal(err)
	}
	if path == "" {
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	size, err := w.app.Blobs.Put(ctx, video.UploadsPrefix+id, f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.Videos.FinishUpload(ctx, id, size); err != nil {
		t.Fatal(err)
	}
}

// process runs the queued tasks (remux, poster, MP4 copy) until none is left.
func (w *videoWorld) process(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := w.app.Worker().RunUntilIdle(ctx); err != nil {
		t.Fatal(err)
	}
}

func (w *videoWorld) submit(t *testing.T, a application.Application) {
	t.Helper()
	if _, err := w.app.Applications.Submit(context.Background(), a); err != nil {
		t.Fatal(err)
	}
}

// answer is a's latest take of the video step, as it is now.
func (w *videoWorld) answer(t *testing.T, a application.Application) video.Recording {
	t.Helper()
	takes, err := w.app.Videos.Takes(context.Background(), a, w.step.ID)
	if err != nil || len(takes) == 0 {
		t.Fatalf("takes of %s: %v %d", a.Candidate.Name, err, len(takes))
	}
	return takes[len(takes)-1]
}

func (w *videoWorld) appPath(a application.Application) string {
	return fmt.Sprintf("/applications/%d", a.ID)
}

func (w *videoWorld) mediaPath(what string) string {
	return fmt.Sprintf("/media/%d/%s", w.take.ID, what)
}

// send makes one request as b without following redirects: the
// player's fetch, or a form.
func (b *browser) send(method, path, contentType, body string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.base+path, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Origin", b.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range b.cookie {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() { // a flash for the next page
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookie, c.Name)
		} else {
			b.cookie[c.Name] = c.Value
		}
	}
	return resp, string(data)
}

type apiError struct {
	Error struct{ Code, Message, Field string }
}

func TestApplicationPageShowsVideoAnswer(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 6)
	iv := w.ada.InterviewID
	// Bob's file is not a video; Cy's has arrived but is not processed;
	// Dee is still uploading.
	bob := w.candidate(t, iv, "Bob Broken")
	junk := t.TempDir() + "/junk.webm"
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a video ", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	w.upload(t, bob, junk)
	w.process(t)
	w.submit(t, bob)
	cy := w.candidate(t, iv, "Cy Waiting")
	w.upload(t, cy, ffmpegtest.WebM(t, t.TempDir(), 2))
	w.submit(t, cy)
	dee := w.candidate(t, iv, "Dee Uploading")
	w.upload(t, dee, "")
	if w.take.RenditionKey == "" {
		t.Fatal("the worker made no MP4 copy of the WebM take")
	}

	resp, body := w.owner.get(w.appPath(w.ada))
	doc := teamMust(t, "application page", resp, body, http.StatusOK)
	if doc.Find(`link[rel=stylesheet][href^="/static/css/player.css?v="]`).Length() != 1 ||
		doc.Find(`script[type=module][src^="/static/js/player.js?v="]`).Length() != 1 {
		t.Error("the page does not load the player's stylesheet and script")
	}
	player := doc.Find(fmt.Sprintf(`section.player#media-%d[data-media-id="%d"]`, w.take.ID, w.take.ID))
	if player.Length() != 1 {
		t.Fatalf("no player for take %d:\n%s", w.take.ID, body)
	}
	if d, err := strconv.ParseFloat(player.AttrOr("data-duration", ""), 64); err != nil || d < 5.9 || d > 6.1 {
		t.Errorf("data-duration %q", player.AttrOr("data-duration", ""))
	}
	v := player.Find("video[controls][playsinline]")
	if pre, _ := v.Attr("preload"); pre != "metadata" || v.AttrOr("poster", "") != w.mediaPath("poster") {
		t.Errorf("video preload %q poster %q", pre, v.AttrOr("poster", ""))
	}
	var sources []string
	v.Find("source").Each(func(_ int, s *goquery.Selection) {
		sources = append(sources, s.AttrOr("src", "")+" "+s.AttrOr("type", ""))
	})
	want := []string{w.mediaPath("video") + " " + w.take.ContentType, w.mediaPath("video.mp4") + " video/mp4"}
	if strings.Join(sources, "|") != strings.Join(want, "|") {
		t.Errorf("sources %q, want %q", sources, want)
	}
	if got := teamText(doc, ".take-line"); !strings.Contains(got, "Take 1 of 1 recorded (2 allowed) · 0:06 long") {
		t.Errorf("take line %q", got)
	}
	if n := player.Find(`.player-tools[hidden] .speeds[role=group] button[data-rate]`).Length(); n != 4 ||
		player.Find(`.speeds button[aria-pressed=true]`).Text() != "1×" {
		t.Errorf("%d speed buttons, pressed %q", n, player.Find(`.speeds button[aria-pressed=true]`).Text())
	}
	if !strings.Contains(teamText(doc, ".player .shortcuts summary"), "Keyboard shortcuts") {
		t.Error("no keyboard shortcuts hint")
	}
	form := player.Find(fmt.Sprintf(`form.comment-form[method=post][action="/media/%d/comments"]`, w.take.ID))
	if form.Find(`input[name=at][required]`).Length() != 1 || form.Find(`textarea[name=body][required]`).Length() != 1 {
		t.Error("no comment form with at and body")
	}
	if got := teamText(doc, ".player .no-comments"); got != "No comments yet." {
		t.Errorf("comments: %q", got)
	}
	if got := teamText(doc, ".coverage li[data-mine] .cov-text"); got != "You: 0% watched" {
		t.Errorf("own coverage %q", got)
	}
	// The second source plays too.
	if resp, _ := w.owner.get(w.mediaPath("video.mp4")); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "video/mp4" {
		t.Errorf("MP4 copy: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	for _, c := range []struct {
		a           application.Application
		badge, text string
	}{
		{bob, "Failed", "could not be prepared for playback: This file is not a video"},
		{cy, "Processing", "being prepared for playback"},
	} {
		resp, body := w.owner.get(w.appPath(c.a))
		doc := teamMust(t, c.a.Candidate.Name, resp, body, http.StatusOK)
		if got := teamText(doc, ".take-line .badge"); got != c.badge {
			t.Errorf("%s: badge %q, want %q", c.a.Candidate.Name, got, c.badge)
		}
		if got := teamText(doc, ".answer"); !strings.Contains(got, c.text) {
			t.Errorf("%s: answer says %q, want %q", c.a.Candidate.Name, got, c.text)
		}
		if doc.Find("video, section.player, script[src*=player], link[href*=player]").Length() != 0 {
			t.Errorf("%s: a player for a take that cannot play", c.a.Candidate.Name)
		}
	}

	// Dee has not submitted (she cannot while her take uploads): the team
	// sees that she answered, not the take.
	resp, body = w.owner.get(w.appPath(dee))
	doc = teamMust(t, "Dee's page", resp, body, http.StatusOK)
	if doc.Find(".answer, video, section.player, .take-line").Length() != 0 {
		t.Errorf("the team sees a take of an application not yet submitted:\n%s", teamText(doc, "main"))
	}
	if got := teamText(doc, "#progress"); !strings.Contains(got, "has not submitted yet") {
		t.Errorf("Dee's page says %q", got)
	}
}

func TestMediaCommentByForm(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 6)
	path := fmt.Sprintf("/media/%d/comments", w.take.ID)
	resp, _ := w.owner.send(http.MethodPost, path, "application/x-www-form-urlencoded",
		url.Values{"at": {"0:02"}, "body": {"Good eye contact.\nClear answer."}}.Encode())
	if want := fmt.Sprintf("/applications/%d#media-%d", w.ada.ID, w.take.ID); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Fatalf("form post: %d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	resp, body := w.owner.get(w.appPath(w.ada))
	doc := teamMust(t, "after comment", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); got != "Your comment at 0:02 is added." {
		t.Errorf("flash %q", got)
	}
	li := doc.Find(".player .comments li")
	if li.Length() != 1 || teamText(doc, ".comments .who") != "Olivia Owner" || li.Find(".comment-body").Text() != "Good eye contact.\nClear answer." {
		t.Fatalf("comments: %q", teamText(doc, ".comments"))
	}
	if a := li.Find("a.at"); a.AttrOr("href", "") != w.mediaPath("video")+"#t=2" || teamText(doc, ".comments a.at") != "Play from 0:02" {
		t.Errorf("time link %q %q", a.AttrOr("href", ""), teamText(doc, ".comments a.at"))
	}

	for _, c := range []struct {
		name, at, body, want string
	}{
		{"no time", "", "Hm.", "say when in the recording"},
		{"not a time", "soon", "Hm.", "say when in the recording"},
		{"NaN", "NaN", "Hm.", "say when in the recording"},
		{"seconds past 59", "1:75", "Hm.", "say when in the recording"},
		{"negative", "-3", "Hm.", "say when in the recording"},
		{"past the end", "9:00", "Too late.", "within the recording"},
		{"empty comment", "0:03", "  \n ", "the comment cannot be empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := w.owner.send(http.MethodPost, path, "application/x-www-form-urlencoded", url.Values{"at": {c.at}, "body": {c.body}}.Encode())
			doc := teamMust(t, c.name, resp, body, http.StatusBadRequest)
			form := doc.Find(fmt.Sprintf("#media-%d form.comment-form", w.take.ID))
			if got := teamText(doc, ".comment-form .error[role=alert]"); !strings.Contains(got, c.want) {
				t.Errorf("error %q, want %q", got, c.want)
			}
			if form.Find("input[name=at]").AttrOr("value", "") != c.at || form.Find("textarea").Text() != c.body {
				t.Errorf("what was typed is lost: %q %q", form.Find("input[name=at]").AttrOr("value", ""), form.Find("textarea").Text())
			}
		})
	}

	// Another organisation's owner hears that the recording does not exist.
	rival := teamOtherOrg(t, w.testServer)
	resp, body = rival.send(http.MethodPost, path, "application/x-www-form-urlencoded", url.Values{"at": {"0:01"}, "body": {"Mine now"}}.Encode())
	teamMust(t, "rival", resp, body, http.StatusNotFound)
	if cs, _ := w.app.Videos.RecordingComments(context.Background(), w.om, w.take.ID); len(cs) != 1 {
		t.Errorf("%d comments stored, want 1", len(cs))
	}
}

func TestMediaCommentByJSON(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 6)
	path := fmt.Sprintf("/media/%d/comments", w.take.ID)
	resp, body := w.owner.send(http.MethodPost, path, "application/json", `{"at_seconds": 1.54, "body": "Pause here."}`)
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("JSON comment: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var c struct {
		ID        int64
		MediaID   int64   `json:"media_id"`
		AtSeconds float64 `json:"at_seconds"`
		Body      string
		Author    struct{ Name string }
		CreatedAt string `json:"created_at"`
	}
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatal(err)
	}
	if _, err := time.Parse(time.RFC3339, c.CreatedAt); err != nil || c.ID == 0 || c.MediaID != w.take.ID || c.AtSeconds != 1.5 ||
		c.Body != "Pause here." || c.Author.Name != "Olivia Owner" {
		t.Errorf("comment %s", body)
	}
	_, page := w.owner.get(w.appPath(w.ada))
	if got := teamText(teamDoc(t, page), ".comments li"); !strings.Contains(got, "0:02") || !strings.Contains(got, "Pause here.") {
		t.Errorf("the page lists %q", got)
	}

	// Rita joins first: with a second organisation and no email server,
	// joining waits for email.
	rita := teamJoin(t, w.testServer, w.owner, "rita@acme.example", "reviewer")
	rival := teamOtherOrg(t, w.testServer)
	if _, err := w.DB.Exec(context.Background(), `UPDATE members SET disabled_at = $1 WHERE email = $2`, time.Now(), "rita@acme.example"); err != nil {
		t.Fatal(err)
	}
	signedOut := w.browser(t)
	for _, s := range []struct {
		name, path, body string
		who              *browser
		status           int
		code, field      string
	}{
		{"empty comment", path, `{"at_seconds": 1, "body": "  "}`, w.owner, 400, "invalid", "body"},
		{"past the end", path, `{"at_seconds": 60, "body": "Late."}`, w.owner, 400, "invalid", "at_seconds"},
		{"negative", path, `{"at_seconds": -1, "body": "Early."}`, w.owner, 400, "invalid", "at_seconds"},
		{"NaN", path, `{"at_seconds": "NaN", "body": "Hm."}`, w.owner, 400, "invalid", "at_seconds"},
		{"unknown field", path, `{"at_seconds": 1, "body": "Hm.", "pinned": true}`, w.owner, 400, "invalid", "pinned"},
		{"malformed", path, `{"at_seconds": 1,`, w.owner, 400, "invalid", ""},
		{"too long", path, `{"at_seconds": 1, "body": "` + strings.Repeat("a", video.MaxComment+1) + `"}`, w.owner, 400, "invalid", "body"},
		{"no such recording", "/media/999999/comments", `{"at_seconds": 1, "body": "Hm."}`, w.owner, 404, "not_found", ""},
		{"not an id", "/media/x1/comments", `{"at_seconds": 1, "body": "Hm."}`, w.owner, 404, "not_found", ""},
		{"another organisation", path, `{"at_seconds": 1, "body": "Hm."}`, rival, 404, "not_found", ""},
		// Every role may comment. A member whose access was taken away
		// is signed out at once, like someone who signed out.
		{"disabled reviewer", path, `{"at_seconds": 1, "body": "Hm."}`, rita, 303, "", ""},
		{"signed out", path, `{"at_seconds": 1, "body": "Hm."}`, signedOut, 303, "", ""},
	} {
		t.Run(s.name, func(t *testing.T) {
			resp, body := s.who.send(http.MethodPost, s.path, "application/json", s.body)
			if resp.StatusCode != s.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, s.status, body)
			}
			if s.status == http.StatusSeeOther {
				if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/login?") {
					t.Errorf("sent to %q, want the sign-in page", loc)
				}
				return
			}
			var e apiError
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != s.code || e.Error.Field != s.field || e.Error.Message == "" {
				t.Errorf("error %s, want code %q field %q", body, s.code, s.field)
			}
		})
	}
	if cs, _ := w.app.Videos.RecordingComments(context.Background(), w.om, w.take.ID); len(cs) != 1 {
		t.Errorf("%d comments stored, want 1", len(cs))
	}
}

func TestMediaViews(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 6)
	path := fmt.Sprintf("/media/%d/views", w.take.ID)
	report := func(b *browser, spans string) float64 {
		t.Helper()
		resp, body := b.send(http.MethodPost, path, "application/json", `{"spans": `+spans+`}`)
		var out map[string]float64
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &out) != nil {
			t.Fatalf("views %s: %d %s", spans, resp.StatusCode, body)
		}
		return out["watched_seconds"]
	}
	if got := report(w.owner, `[[0, 2]]`); got != 2 {
		t.Errorf("watched %v, want 2", got)
	}
	// A second report that overlaps the first adds only what is new.
	if got := report(w.owner, `[[1, 3]]`); got != 3 {
		t.Errorf("after an overlapping report, watched %v, want 3", got)
	}
	if got := report(w.owner, `[[1, 3], [0.5, 1]]`); got != 3 {
		t.Errorf("after the same report again, watched %v, want 3", got)
	}
	rita := teamJoin(t, w.testServer, w.owner, "rita@acme.example", "reviewer")
	report(rita, `[[4, 5.5]]`)

	resp, body := w.owner.get(w.appPath(w.ada))
	doc := teamMust(t, "application page", resp, body, http.StatusOK)
	rows := doc.Find(fmt.Sprintf("#media-%d .coverage li", w.take.ID))
	if rows.Length() != 2 {
		t.Fatalf("%d coverage rows, want 2: %q", rows.Length(), teamText(doc, ".coverage"))
	}
	pct := regexp.MustCompile(`^(You|Rita Reviewer): (\d+)% watched$`)
	for i, want := range []struct {
		name    string
		percent int
		spoken  string
	}{{"You", 50, "Watched 0:00 to 0:03."}, {"Rita Reviewer", 25, "Watched 0:04 to 0:06."}} {
		row := rows.Eq(i)
		m := pct.FindStringSubmatch(strings.Join(strings.Fields(row.Find(".cov-text").Text()), " "))
		if m == nil || m[1] != want.name {
			t.Errorf("row %d: %q", i, row.Find(".cov-text").Text())
			continue
		}
		// The duration is about 6 s, as the remux measured it.
		if n, _ := strconv.Atoi(m[2]); n < want.percent-2 || n > want.percent+2 {
			t.Errorf("%s watched %d%%, want about %d%%", want.name, n, want.percent)
		}
		if got := row.Find(".cov-spans").Text(); got != want.spoken {
			t.Errorf("%s: text equivalent %q, want %q", want.name, got, want.spoken)
		}
		if row.Find("svg[aria-hidden=true] rect").Length() != 1 {
			t.Errorf("%s: %d bar segments, want 1", want.name, row.Find("svg rect").Length())
		}
	}
	if x := rows.Eq(0).Find("rect").AttrOr("x", ""); x != "0.0" {
		t.Errorf("own bar starts at %q, want 0.0", x)
	}

	rival := teamOtherOrg(t, w.testServer)
	for _, s := range []struct {
		name, ctype, body string
		who               *browser
		status            int
	}{
		{"a form", "application/x-www-form-urlencoded", "spans=0,1", w.owner, 400},
		{"backwards span", "application/json", `{"spans": [[2, 1]]}`, w.owner, 400},
		{"not a span", "application/json", `{"spans": [["a", 1]]}`, w.owner, 400},
		{"another organisation", "application/json", `{"spans": [[0, 1]]}`, rival, 404},
	} {
		t.Run(s.name, func(t *testing.T) {
			resp, body := s.who.send(http.MethodPost, path, s.ctype, s.body)
			var e apiError
			if resp.StatusCode != s.status || json.Unmarshal([]byte(body), &e) != nil || e.Error.Message == "" {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, s.status, body)
			}
		})
	}
}

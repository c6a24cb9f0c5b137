package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
	"github.com/anyhour/anyhour/internal/video"
)

// blindNote is what a blind page says above the sound.
const blindNote = "Blind review: you hear this answer; the video stays hidden until the candidate is revealed."

// setBlind switches blind review of Ada's job on or off.
func (w *videoWorld) setBlind(t *testing.T, on bool) {
	t.Helper()
	if _, _, err := w.app.Applications.SetBlind(context.Background(), w.om, w.ada.JobID, on); err != nil {
		t.Fatal(err)
	}
}

// shows lists what of take id a page or a response names that shows the
// candidate: the video, the poster, the MP4 copy.
func shows(body string, id int64) []string {
	var found []string
	for _, f := range []video.File{video.FileVideo, video.FilePoster, video.FileRendition} {
		// "/media/7/video" is also the start of "/media/7/video.mp4".
		re := regexp.MustCompile(fmt.Sprintf(`/media/%d/%s([^.a-z0-9]|$)`, id, regexp.QuoteMeta(string(f))))
		if re.MatchString(body) {
			found = append(found, string(f))
		}
	}
	if strings.Contains(body, "poster=") {
		found = append(found, "a poster attribute")
	}
	return found
}

// TestBlindReviewHearsTheAnswer: while Ada's job is reviewed blind, the
// team gets her answer's sound and nothing that shows her, in the pages
// and the API alike; she still gets her own video; once the job is no
// longer blind, the team watches again.
func TestBlindReviewHearsTheAnswer(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 3)
	ctx := context.Background()
	if _, err := w.app.Videos.AddComment(ctx, w.om, w.take.ID, 1, "Clear start."); err != nil {
		t.Fatal(err)
	}
	w.setBlind(t, true)
	token := w.ownerToken(t)
	api := func(f video.File) string { return fmt.Sprintf("/api/v1/media/%d/%s", w.take.ID, f) }

	for _, f := range []video.File{video.FileVideo, video.FilePoster, video.FileRendition} {
		resp, body := w.owner.get(w.mediaPath(string(f)))
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "this job is reviewed blind") {
			t.Errorf("team route, %s: %d, want 404 saying the job is reviewed blind:\n%.300s", f, resp.StatusCode, body)
		}
		status, _, body := apiGet(t, w.URL, token, api(f))
		if status != http.StatusNotFound || !strings.Contains(body, "the video is withheld until the candidate is revealed") {
			t.Errorf("API, %s: %d %s, want 404", f, status, body)
		}
		// A range request is refused as well.
		req, _ := http.NewRequest(http.MethodGet, w.URL+api(f), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Range", "bytes=0-99")
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotFound {
			t.Errorf("API, %s with a range: %v %v", f, resp.StatusCode, err)
		} else {
			resp.Body.Close()
		}
	}
	if resp, _ := w.owner.get(w.mediaPath("audio.m4a")); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "audio/mp4" {
		t.Errorf("team route, audio: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if status, ctype, _ := apiGet(t, w.URL, token, api(video.FileAudio)); status != http.StatusOK || ctype != "audio/mp4" {
		t.Errorf("API, audio: %d %s", status, ctype)
	}

	// The candidate is never blind to their own takes.
	candidate := w.tokens[w.ada.ID]
	for _, f := range []video.File{video.FileVideo, video.FilePoster, video.FileRendition} {
		if status, _, body := apiGet(t, w.URL, candidate, api(f)); status != http.StatusOK {
			t.Errorf("the candidate's own %s: %d %.200s", f, status, body)
		}
	}
	status, _, body := apiGet(t, w.URL, candidate, "/api/v1/candidate")
	if status != http.StatusOK || !strings.Contains(body, api(video.FileVideo)) {
		t.Errorf("the candidate's own answer in the API: %d, without its video url:\n%s", status, body)
	}

	// The team's JSON names the sound alone.
	status, _, body = apiGet(t, w.URL, token, fmt.Sprintf("/api/v1/applications/%d", w.ada.ID))
	if status != http.StatusOK {
		t.Fatalf("application: %d %s", status, body)
	}
	var app struct {
		Answers []struct {
			Media map[string]any
			Takes []map[string]any
		}
	}
	if err := json.Unmarshal([]byte(body), &app); err != nil || len(app.Answers) != 1 || app.Answers[0].Media == nil {
		t.Fatalf("application JSON (%v):\n%s", err, body)
	}
	for _, m := range append(app.Answers[0].Takes, app.Answers[0].Media) {
		for _, k := range []string{"url", "poster_url", "mp4_url"} {
			if v, ok := m[k]; ok {
				t.Errorf("a blind team's recording has %s %v", k, v)
			}
		}
		if u, _ := m["audio_url"].(string); !strings.HasSuffix(u, api(video.FileAudio)) || m["content_type"] != "audio/mp4" {
			t.Errorf("a blind team's recording has audio_url %q and content_type %v", u, m["content_type"])
		}
	}
	if found := shows(body, w.take.ID); len(found) > 0 {
		t.Errorf("the blind team's JSON names %v", found)
	}

	// The page plays the sound, and names nothing that shows her.
	resp, body := w.owner.get(w.appPath(w.ada))
	doc := teamMust(t, "blind application page", resp, body, http.StatusOK)
	player := doc.Find(fmt.Sprintf(`section.player#media-%d[data-media-id="%d"]`, w.take.ID, w.take.ID))
	if player.Find(fmt.Sprintf(`audio[controls][src="/media/%d/audio.m4a"]`, w.take.ID)).Length() != 1 || doc.Find("video, img[src*=poster]").Length() != 0 {
		t.Errorf("the blind page's player:\n%s", teamText(doc, ".player"))
	}
	if found := shows(body, w.take.ID); len(found) > 0 {
		t.Errorf("the blind page names %v", found)
	}
	if got := teamText(doc, ".player .blind-note"); got != blindNote {
		t.Errorf("the blind page says %q, want %q", got, blindNote)
	}
	if a := player.Find(".comments a.at"); a.AttrOr("href", "") != w.mediaPath("audio.m4a")+"#t=1" {
		t.Errorf("a comment's time links to %q", a.AttrOr("href", ""))
	}
	if player.Find(`.coverage li[data-mine]`).Length() != 1 || doc.Find(`script[src^="/static/js/player.js"]`).Length() != 1 {
		t.Error("the blind player has no coverage row or no script")
	}

	// Compared side by side with another candidate, likewise.
	bo := w.candidate(t, w.ada.InterviewID, "Bo Second")
	w.upload(t, bo, ffmpegtest.WebM(t, t.TempDir(), 2))
	w.process(t)
	w.submit(t, bo)
	boTake := w.answer(t, bo)
	q := url.Values{"app": {strconv.FormatInt(w.ada.ID, 10), strconv.FormatInt(bo.ID, 10)}}
	resp, body = w.owner.get(fmt.Sprintf("/jobs/%d/compare?%s", w.ada.JobID, q.Encode()))
	doc = teamMust(t, "blind compare page", resp, body, http.StatusOK)
	if n := doc.Find(`section.player audio[src$="/audio.m4a"]`).Length(); n != 2 || doc.Find("video").Length() != 0 {
		t.Errorf("the blind compare page has %d audio players and %d videos", n, doc.Find("video").Length())
	}
	if found := append(shows(body, w.take.ID), shows(body, boTake.ID)...); len(found) > 0 {
		t.Errorf("the blind compare page names %v", found)
	}

	// No longer blind: the video is back.
	w.setBlind(t, false)
	if resp, _ := w.owner.get(w.mediaPath("video")); resp.StatusCode != http.StatusOK {
		t.Errorf("after blind review ends, the video: %d", resp.StatusCode)
	}
	resp, body = w.owner.get(w.appPath(w.ada))
	doc = teamMust(t, "application page, not blind", resp, body, http.StatusOK)
	if doc.Find("section.player video").Length() != 1 || strings.Contains(body, blindNote) {
		t.Error("after blind review ends, the page has no video or still says it is blind")
	}
}

// TestBlindShareLinkHearsTheAnswer: a guest of a share link to an
// application reviewed blind hears the answer, never gets a file that
// shows the candidate, and what they played still reaches the team.
func TestBlindShareLinkHearsTheAnswer(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 3)
	appID := strconv.FormatInt(w.ada.ID, 10)
	_, body := w.owner.post("/share", url.Values{"app": {appID}, "guest_name": {"Hana Hiring"}, "mode": {"view"}, "days": {"7"}})
	link := regexp.MustCompile(`/s/ahs_[A-Za-z0-9_-]+`).FindString(body)
	if link == "" {
		t.Fatalf("no link:\n%s", body)
	}
	w.setBlind(t, true)
	guest := w.browser(t)
	page := link + "/a/" + appID
	media := page + "/media/" + strconv.FormatInt(w.take.ID, 10)
	resp, body := guest.get(page)
	doc := teamMust(t, "the guest's blind page", resp, body, http.StatusOK)
	a := doc.Find("audio[controls]")
	if a.Length() != 1 || a.AttrOr("src", "") != media+"/audio.m4a" || a.AttrOr("data-watch-url", "") != media+"/watched" || doc.Find("video").Length() != 0 {
		t.Errorf("the guest's blind player: %d audio (src %q), %d video", a.Length(), a.AttrOr("src", ""), doc.Find("video").Length())
	}
	if found := shows(body, w.take.ID); len(found) > 0 {
		t.Errorf("the guest's blind page names %v", found)
	}
	if got := teamText(doc, ".blind-note"); got != blindNote {
		t.Errorf("the guest's page says %q", got)
	}
	for _, f := range []video.File{video.FileVideo, video.FilePoster, video.FileRendition} {
		if resp, body := guest.get(media + "/" + string(f)); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "reviewed blind") {
			t.Errorf("the guest's %s: %d, want 404", f, resp.StatusCode)
		}
	}
	if resp, _ := guest.get(media + "/audio.m4a"); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "audio/mp4" {
		t.Errorf("the guest's audio: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, body = guest.send(http.MethodPost, strings.TrimPrefix(media, "")+"/watched", "application/json", `{"spans": [[0, 2]]}`)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"watched_seconds":2`) {
		t.Errorf("the guest's listening report: %d %s", resp.StatusCode, body)
	}
}

// TestBlindAudioOnDemand: a blind reviewer of an answer recorded before
// audio copies were made is told the copy is being prepared, which the
// page asked for, once; then hears it.
func TestBlindAudioOnDemand(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 2)
	w.forgetAudio(t, w.take.ID)
	// Straight to blind in the database: switching through the service
	// would queue the copy itself (PrepareAudio).
	if _, err := w.DB.Exec(context.Background(), `UPDATE applications SET blind = TRUE WHERE id = $1`, w.ada.ID); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		resp, body := w.owner.get(w.appPath(w.ada))
		doc := teamMust(t, "blind page, no copy yet", resp, body, http.StatusOK)
		if got := teamText(doc, ".player"); !strings.Contains(got, "The audio copy of this answer is being prepared") || doc.Find("audio, video").Length() != 0 {
			t.Errorf("before the copy is made the page reads %q", got)
		}
		if found := shows(body, w.take.ID); len(found) > 0 {
			t.Errorf("the blind page names %v", found)
		}
	}
	if resp, body := w.owner.get(w.mediaPath("audio.m4a")); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "being prepared") {
		t.Errorf("the audio before it is made: %d", resp.StatusCode)
	}
	if n := w.audioTasks(t, w.take.ID); n != 1 {
		t.Errorf("%d audio tasks queued, want 1", n)
	}
	w.process(t)
	resp, body := w.owner.get(w.appPath(w.ada))
	doc := teamMust(t, "blind page, copy made", resp, body, http.StatusOK)
	if doc.Find(`audio[src$="/audio.m4a"]`).Length() != 1 {
		t.Errorf("once made, the page has no audio player:\n%s", teamText(doc, ".player"))
	}
}

package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/video"
)

// apiGet fetches path with an Authorization: Bearer token, returning the
// status, content type and body.
func apiGet(t *testing.T, base, token, path string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

// ownerToken is a new API token of the world's owner.
func (w *videoWorld) ownerToken(t *testing.T) string {
	t.Helper()
	secret, _, err := w.app.Accounts.CreateAPIToken(context.Background(), w.om, "blind review test")
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// audioTasks counts the audio tasks of recording id not yet done.
func (w *videoWorld) audioTasks(t *testing.T, id int64) int {
	t.Helper()
	var n int
	err := w.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM tasks WHERE kind = $1 AND status IN ('pending', 'running')
		AND payload LIKE $2`, video.TaskAudio, fmt.Sprintf(`%%"media_id":%d}%%`, id)).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// forgetAudio makes the take look like one recorded before audio copies
// were made.
func (w *videoWorld) forgetAudio(t *testing.T, id int64) {
	t.Helper()
	if _, err := w.DB.Exec(context.Background(), `UPDATE media SET audio_status = '', audio_key = '' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
}

// TestAnswerAudioCopy: every answer gets an audio copy once it is ready,
// AAC alone in MP4, which the team and the candidate can fetch.
func TestAnswerAudioCopy(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 3)
	if w.take.AudioStatus != video.AudioReady || w.take.AudioKey != fmt.Sprintf("media/%d/audio.m4a", w.take.ID) {
		t.Fatalf("Ada's take has audio %q at %q, want a ready copy", w.take.AudioStatus, w.take.AudioKey)
	}
	resp, body := w.owner.get(w.mediaPath("audio.m4a"))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "audio/mp4" {
		t.Fatalf("the audio copy: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	path := filepath.Join(t.TempDir(), "audio.m4a")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	tools := ffmpegtest.Require(t)
	out, err := exec.Command(tools.FFprobe, "-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0", path).Output()
	if err != nil || strings.TrimSpace(string(out)) != "aac,audio" {
		t.Errorf("the audio copy holds %q (%v), want one AAC stream", out, err)
	}
	// The candidate hears it too, through their own link.
	if status, ctype, _ := apiGet(t, w.URL, w.tokens[w.ada.ID], fmt.Sprintf("/api/v1/media/%d/audio.m4a", w.take.ID)); status != http.StatusOK || ctype != "audio/mp4" {
		t.Errorf("the candidate's audio copy: %d %s", status, ctype)
	}
}

// TestAnswerAudioOnDemand: an answer recorded before audio copies were
// made gets its copy queued, once, when first asked for; until it is
// ready the viewer is asked to come back.
func TestAnswerAudioOnDemand(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 2)
	w.forgetAudio(t, w.take.ID)
	for range 2 {
		resp, body := w.owner.get(w.mediaPath("audio.m4a"))
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "the audio copy is being prepared; try again in a moment") {
			t.Fatalf("audio not made yet: %d, want 409 saying it is being prepared:\n%s", resp.StatusCode, body)
		}
	}
	if n := w.audioTasks(t, w.take.ID); n != 1 {
		t.Errorf("%d audio tasks queued after two requests, want 1", n)
	}
	w.process(t)
	if resp, _ := w.owner.get(w.mediaPath("audio.m4a")); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "audio/mp4" {
		t.Errorf("once made, the audio copy: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestPrepareAudio: a job that turns blind queues an audio copy of every
// ready answer of its applications that has none, once.
func TestPrepareAudio(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 2)
	ctx := context.Background()
	w.forgetAudio(t, w.take.ID)
	prepare := func() {
		t.Helper()
		err := w.DB.Transact(ctx, func(tx *sqldb.DB) error { return w.app.Videos.PrepareAudio(ctx, tx, w.ada.JobID) })
		if err != nil {
			t.Fatal(err)
		}
	}
	prepare()
	prepare()
	if n := w.audioTasks(t, w.take.ID); n != 1 {
		t.Fatalf("%d audio tasks queued, want 1", n)
	}
	w.process(t)
	if got := w.answer(t, w.ada); got.AudioStatus != video.AudioReady || got.AudioKey == "" {
		t.Errorf("after PrepareAudio the take's audio is %q at %q", got.AudioStatus, got.AudioKey)
	}
	prepare()
	if n := w.audioTasks(t, w.take.ID); n != 0 {
		t.Errorf("PrepareAudio queued a copy that exists (%d tasks)", n)
	}
	// Switching the job to blind review does it too.
	w.forgetAudio(t, w.take.ID)
	w.setBlind(t, true)
	if n := w.audioTasks(t, w.take.ID); n != 1 {
		t.Errorf("the job turned blind, and %d audio tasks are queued, want 1", n)
	}
}

// TestAnswerAudioSilent: a recording without sound has no audio copy,
// and whoever asks for one is told so.
func TestAnswerAudioSilent(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 2)
	tools := ffmpegtest.Require(t)
	silent := filepath.Join(t.TempDir(), "silent.webm")
	if out, err := exec.Command(tools.FFmpeg, "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15", "-t", "2",
		"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-f", "webm", silent).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	bo := w.candidate(t, w.ada.InterviewID, "Bo Quiet")
	w.upload(t, bo, silent)
	w.process(t)
	w.submit(t, bo)
	take := w.answer(t, bo)
	if take.Status != video.Ready || take.AudioStatus != video.AudioSilent || take.AudioKey != "" {
		t.Fatalf("a silent take is %s with audio %q at %q, want ready and silent", take.Status, take.AudioStatus, take.AudioKey)
	}
	resp, body := w.owner.get(fmt.Sprintf("/media/%d/audio.m4a", take.ID))
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "this recording has no sound to hear") {
		t.Errorf("the audio of a silent take: %d\n%s", resp.StatusCode, body)
	}
}

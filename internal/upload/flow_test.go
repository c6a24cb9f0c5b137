package upload_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/blob/s3/s3test"
	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/video"
)

// TestRecordingBecomesAnswer uploads a browser-like WebM in chunks of
// deferred length, as the recorder does, and follows it to a playable,
// seekable answer with a poster and an MP4 copy.
func TestRecordingBecomesAnswer(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	w := newWorld(t, app.Config{})
	file := mustRead(t, ffmpegtest.WebM(t, t.TempDir(), 4))
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[0]
	loc := c.mustCreate(step.ID, -1)
	c.send(loc, file, 64<<10)

	takes := w.takes(w.alice.Application, step.ID)
	if len(takes) != 1 || takes[0].Status != video.Processing || takes[0].Size != int64(len(file)) {
		t.Fatalf("after upload: %+v", takes)
	}
	answers, _ := w.app.Applications.Answers(context.Background(), w.alice.Application.ID)
	if answers[step.ID].RecordingID != takes[0].ID {
		t.Fatalf("the take is not the answer: %+v", answers[step.ID])
	}
	w.process()
	m := w.takes(w.alice.Application, step.ID)[0]
	if m.Status != video.Ready || m.Duration == nil || *m.Duration < 3.5 || *m.Duration > 4.5 {
		t.Fatalf("processed: %+v", m)
	}
	if m.RenditionKey == "" || m.PosterKey == "" || m.ContentType != "video/webm" {
		t.Errorf("keys: playable %q poster %q rendition %q type %q", m.PlayableKey, m.PosterKey, m.RenditionKey, m.ContentType)
	}
	// The original is kept byte for byte.
	orig := filepath.Join(w.app.Config.DataDir, "blobs", filepath.FromSlash(m.OriginalKey))
	if got := mustRead(t, orig); !bytes.Equal(got, file) {
		t.Errorf("original differs from what was uploaded (%d vs %d bytes)", len(got), len(file))
	}

	// The candidate sees it in their view, with URLs that play.
	view := w.candidate(w.alice.Token)
	ans := view["answers"].([]any)[0].(map[string]any)
	media := ans["media"].(map[string]any)
	if media["status"] != "ready" || media["url"] == "" || media["poster_url"] == "" {
		t.Fatalf("candidate view media: %v", media)
	}
	url := strings.TrimPrefix(media["url"].(string), w.app.Config.BaseURL)
	r := c.do("GET", url, map[string]string{"Range": "bytes=100-199"}, nil)
	if r.status != http.StatusPartialContent || len(r.body) != 100 || r.header.Get("Content-Type") != "video/webm" {
		t.Errorf("range request: %d, %d bytes, %s", r.status, len(r.body), r.header.Get("Content-Type"))
	}
	size := r.header.Get("Content-Range")[strings.LastIndex(r.header.Get("Content-Range"), "/")+1:]
	if r := c.do("GET", url, map[string]string{"Range": "bytes=" + size + "-"}, nil); r.status != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("range past the end: %d, want 416", r.status)
	}
	// The remux decodes without error and seeks.
	playable := filepath.Join(w.app.Config.DataDir, "blobs", filepath.FromSlash(m.PlayableKey))
	if err := tools.Check(context.Background(), playable); err != nil {
		t.Errorf("the playable file does not decode: %v", err)
	}
	// Bob may not watch it; the team may, once Alice has submitted.
	if r := w.tus(w.bob.Token).do("GET", url, nil, nil); r.status != http.StatusNotFound {
		t.Errorf("another candidate fetched the recording: %d", r.status)
	}
	if r := w.tus(w.apiToken).do("GET", url, nil, nil); r.status != http.StatusNotFound {
		t.Errorf("the team fetched the recording before Alice submitted: %d", r.status)
	}
	a, err := w.app.Applications.ByToken(context.Background(), w.alice.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.Applications.Submit(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if r := w.tus(w.apiToken).do("GET", url, nil, nil); r.status != http.StatusOK {
		t.Errorf("the team cannot fetch the recording: %d", r.status)
	}
}

// TestUploadsAreAuthorised covers who may start and continue uploads.
func TestUploadsAreAuthorised(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	step := w.iv.Steps[0]
	alice, bob := w.tus(w.alice.Token), w.tus(w.bob.Token)
	loc := alice.mustCreate(step.ID, -1)

	t.Run("no token", func(t *testing.T) {
		if r := w.tus("").create(step.ID, -1); r.status != http.StatusUnauthorized {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	t.Run("another candidate's upload", func(t *testing.T) {
		if r := bob.patch(loc, 0, []byte("x"), false); r.status != http.StatusForbidden {
			t.Errorf("PATCH: %d %s", r.status, r.body)
		}
		if r := bob.do("HEAD", loc, nil, nil); r.status != http.StatusForbidden {
			t.Errorf("HEAD: %d", r.status)
		}
		if r := bob.do("DELETE", loc, nil, nil); r.status != http.StatusForbidden {
			t.Errorf("DELETE: %d", r.status)
		}
	})
	t.Run("a step of another interview", func(t *testing.T) {
		other := w.otherInterviewStep()
		if r := alice.create(other, -1); r.status != http.StatusForbidden {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	t.Run("no step", func(t *testing.T) {
		r := alice.do("POST", "/api/v1/uploads/", map[string]string{"Upload-Defer-Length": "1"}, nil)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "step_id") {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	t.Run("a bad step id", func(t *testing.T) {
		r := alice.do("POST", "/api/v1/uploads/", map[string]string{"Upload-Defer-Length": "1", "Upload-Metadata": metadata("step_id", "-3")}, nil)
		if r.status != http.StatusBadRequest {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	t.Run("an API token uploads no answers", func(t *testing.T) {
		if r := w.tus(w.apiToken).create(step.ID, -1); r.status != http.StatusForbidden {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	t.Run("after submitting", func(t *testing.T) {
		if _, err := w.app.Applications.Submit(context.Background(), w.bob.Application); err != nil {
			t.Fatal(err)
		}
		if r := bob.create(step.ID, -1); r.status != http.StatusConflict {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
}

// otherInterviewStep makes a second interview and returns its video step.
func (w *world) otherInterviewStep() int64 {
	w.t.Helper()
	iv, err := w.app.Openings.CreateInterview(context.Background(), w.owner, opening.InterviewInput{JobID: &w.iv.JobID, Title: ptr("Other"),
		Steps: &[]opening.Step{{Kind: opening.KindVideo, Title: "Elsewhere"}}})
	if err != nil {
		w.t.Fatal(err)
	}
	return iv.Steps[0].ID
}

// TestTakes: one take means one; with retakes the candidate has several
// and picks the one to submit; a take that failed processing does not
// count; two tabs cannot record the same step at once.
func TestTakes(t *testing.T) {
	t.Parallel()
	ffmpegtest.Require(t)
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	one, three := w.iv.Steps[0], w.iv.Steps[1]
	file := mustRead(t, ffmpegtest.WebM(t, t.TempDir(), 2))

	// Two tabs: the second is refused while the first uploads.
	tab1 := c.mustCreate(one.ID, -1)
	if r := c.create(one.ID, -1); r.status != http.StatusConflict || !strings.Contains(r.body, "another tab") {
		t.Fatalf("second tab: %d %s", r.status, r.body)
	}
	c.send(tab1, file, 1<<20)
	if r := c.create(one.ID, -1); r.status != http.StatusConflict || !strings.Contains(r.body, "all 1 take") {
		t.Fatalf("second take of a one-take step: %d %s", r.status, r.body)
	}

	// Random bytes named .webm fail processing, and do not use up a take.
	bad := c.mustCreate(three.ID, -1)
	c.send(bad, randomBytes(50_000), 50_000)
	w.process()
	failed := w.takes(w.alice.Application, three.ID)[0]
	if failed.Status != video.Failed || !strings.Contains(failed.Error, "record your answer again") {
		t.Fatalf("random bytes: %+v", failed)
	}
	var ids []int64
	for range 3 {
		loc := c.mustCreate(three.ID, -1)
		c.send(loc, file, 1<<20)
		ids = append(ids, w.takes(w.alice.Application, three.ID)[len(ids)+1].ID)
	}
	if r := c.create(three.ID, -1); r.status != http.StatusConflict {
		t.Fatalf("a fourth counted take: %d %s", r.status, r.body)
	}
	w.process()
	answers, _ := w.app.Applications.Answers(context.Background(), w.alice.Application.ID)
	if answers[three.ID].RecordingID != ids[2] {
		t.Fatalf("the newest take should be the answer: %d, takes %v", answers[three.ID].RecordingID, ids)
	}
	r := c.do("PUT", "/api/v1/candidate/answers/"+itoa(three.ID), map[string]string{"Content-Type": "application/json"}, []byte(`{"media_id": `+itoa(ids[0])+`}`))
	if r.status != http.StatusOK || !strings.Contains(r.body, `"take":2`) {
		t.Fatalf("choosing the first good take: %d %s", r.status, r.body)
	}
	r = c.do("PUT", "/api/v1/candidate/answers/"+itoa(three.ID), map[string]string{"Content-Type": "application/json"}, []byte(`{"media_id": `+itoa(failed.ID)+`}`))
	if r.status != http.StatusConflict {
		t.Errorf("choosing a failed take: %d %s", r.status, r.body)
	}
	r = w.tus(w.bob.Token).do("PUT", "/api/v1/candidate/answers/"+itoa(three.ID), map[string]string{"Content-Type": "application/json"}, []byte(`{"media_id": `+itoa(ids[1])+`}`))
	if r.status != http.StatusNotFound {
		t.Errorf("bob chose alice's take: %d %s", r.status, r.body)
	}
}

// TestSizeCap: a file over the step's cap is refused before its bytes
// are stored, whether it says so up front or only as it arrives.
func TestSizeCap(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[0]
	capBytes := video.AnswerCap(step.MaxSeconds)
	if r := c.create(step.ID, capBytes+1); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("declared length over the cap: %d %s", r.status, r.body)
	}
	if r := c.create(step.ID, video.MaxUploadBytes+1); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("declared length over the server's cap: %d %s", r.status, r.body)
	}
	loc := c.mustCreate(step.ID, -1)
	r := c.do("PATCH", loc, map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": itoa(capBytes)}, []byte("x"))
	if r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a chunk past the cap: %d %s", r.status, r.body)
	}
	if r := c.patch(loc, 0, []byte("abc"), false); r.status != http.StatusNoContent {
		t.Fatalf("a small chunk: %d %s", r.status, r.body)
	}
	r = c.do("PATCH", loc, map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "3", "Upload-Length": itoa(capBytes + 10)}, []byte("d"))
	if r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a final length past the cap: %d %s", r.status, r.body)
	}
	if r := c.do("HEAD", loc, nil, nil); r.header.Get("Upload-Offset") != "3" {
		t.Errorf("offset after refusals = %q, want 3", r.header.Get("Upload-Offset"))
	}
}

// TestResumeLater: an upload that stops half way resumes an hour later
// from where the server says it is, and ends byte-identical.
func TestResumeLater(t *testing.T) {
	t.Parallel()
	ffmpegtest.Require(t)
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[0]
	file := mustRead(t, ffmpegtest.WebM(t, t.TempDir(), 3))
	loc := c.mustCreate(step.ID, -1)
	half := len(file) / 2
	if r := c.patch(loc, 0, file[:half], false); r.status != http.StatusNoContent {
		t.Fatalf("first half: %d %s", r.status, r.body)
	}
	// Half an answer on disk is the candidate's as much as a whole one:
	// for anyhour's user alone.
	uploads := filepath.Join(w.app.Config.DataDir, "blobs", "uploads")
	entries, err := os.ReadDir(uploads)
	if err != nil || len(entries) == 0 {
		t.Fatalf("uploads directory: %v, %d entries", err, len(entries))
	}
	for _, e := range entries {
		if fi, err := e.Info(); err != nil || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: %v %v", e.Name(), fi.Mode(), err)
		}
	}
	later := time.Now().Add(time.Hour)
	w.app.Videos.SetClock(func() time.Time { return later })
	w.app.Applications.SetClock(func() time.Time { return later })
	r := c.do("HEAD", loc, nil, nil)
	if r.header.Get("Upload-Offset") != itoa(int64(half)) || r.header.Get("Upload-Defer-Length") != "1" {
		t.Fatalf("HEAD an hour later: %d offset %q", r.status, r.header.Get("Upload-Offset"))
	}
	// Resending bytes the server already has is refused, not duplicated.
	if r := c.patch(loc, 0, file[:10], false); r.status != http.StatusConflict {
		t.Errorf("a PATCH at a stale offset: %d", r.status)
	}
	c.sendFrom(loc, half, file, len(file))
	m := w.takes(w.alice.Application, step.ID)[0]
	got := mustRead(t, filepath.Join(w.app.Config.DataDir, "blobs", filepath.FromSlash(m.OriginalKey)))
	if !bytes.Equal(got, file) {
		t.Errorf("resumed upload differs: %d vs %d bytes", len(got), len(file))
	}
}

// TestS3 runs a recording through uploads and processing with the blobs
// in a real S3 server: tusd's S3 store writes, the S3 blob store reads.
func TestS3(t *testing.T) {
	t.Parallel()
	ffmpegtest.Require(t)
	cfg := s3test.Start(t)
	w := newWorld(t, app.Config{BlobURL: s3test.URL(cfg)})
	file := mustRead(t, ffmpegtest.WebM(t, t.TempDir(), 3))
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[0]
	loc := c.mustCreate(step.ID, -1)
	half := len(file) / 2
	if r := c.patch(loc, 0, file[:half], false); r.status != http.StatusNoContent {
		t.Fatalf("first half: %d %s", r.status, r.body)
	}
	if r := c.do("HEAD", loc, nil, nil); r.header.Get("Upload-Offset") != itoa(int64(half)) {
		t.Fatalf("HEAD: %d offset %q", r.status, r.header.Get("Upload-Offset"))
	}
	c.sendFrom(loc, half, file, 100_000)
	w.process()
	m := w.takes(w.alice.Application, step.ID)[0]
	if m.Status != video.Ready || m.RenditionKey == "" {
		t.Fatalf("processed: %+v", m)
	}
	obj, err := w.app.Blobs.Open(context.Background(), m.OriginalKey)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(obj)
	obj.Close()
	if !bytes.Equal(got, file) {
		t.Errorf("the original in S3 differs: %d vs %d bytes", len(got), len(file))
	}
	r := c.do("GET", fmt.Sprintf("/api/v1/media/%d/video", m.ID), map[string]string{"Range": "bytes=10-19"}, nil)
	if r.status != http.StatusPartialContent || len(r.body) != 10 {
		t.Errorf("range from S3: %d, %d bytes", r.status, len(r.body))
	}
}

// TestTooLongFails: a take longer than the step allows, beyond the
// tolerance, fails with a message to record again and frees its take.
func TestTooLongFails(t *testing.T) {
	t.Parallel()
	ffmpegtest.Require(t)
	w := newWorld(t, app.Config{})
	ctx := context.Background()
	iv, err := w.app.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &w.iv.JobID, Title: ptr("Short"),
		Steps: &[]opening.Step{{Kind: opening.KindVideo, Title: "Ten seconds", MaxSeconds: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.app.Applications.Invite(ctx, w.owner, iv.ID, []application.NewCandidate{{Name: "Cy", Email: "cy@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	inv := res.Invitations[0]
	w.consent(inv.Application)
	c := w.tus(inv.Token)
	step := iv.Steps[0]
	loc := c.mustCreate(step.ID, -1)
	c.send(loc, mustRead(t, ffmpegtest.WebM(t, t.TempDir(), 17)), 1<<20) // 10 s + 5 s + 2%: 15.2 s allowed
	w.process()
	m := w.takes(inv.Application, step.ID)[0]
	if m.Status != video.Failed || !strings.Contains(m.Error, "the limit is 0:10") {
		t.Fatalf("a 17 s take of a 10 s step: %+v", m)
	}
	// The failed take does not count: a new one may start.
	loc = c.mustCreate(step.ID, -1)
	c.send(loc, mustRead(t, ffmpegtest.WebM(t, t.TempDir(), 11)), 1<<20) // within the tolerance
	w.process()
	if m := w.takes(inv.Application, step.ID)[1]; m.Status != video.Ready {
		t.Fatalf("an 11 s take of a 10 s step: %+v", m)
	}
}

// TestFailedTakesAreBounded: takes that fail processing do not use up the
// allowance, but a recorder that keeps sending garbage is stopped.
func TestFailedTakesAreBounded(t *testing.T) {
	t.Parallel()
	ffmpegtest.Require(t)
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[0] // one take: six attempts
	for i := range 6 {
		loc := c.mustCreate(step.ID, -1)
		c.send(loc, randomBytes(1000+i), 1<<20)
		w.process()
	}
	r := c.create(step.ID, -1)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "write to the team") {
		t.Fatalf("a seventh attempt after six failures: %d %s", r.status, r.body)
	}
}

// TestDiscardThroughTus: a candidate terminates an unfinished upload
// (tus DELETE); it is gone for the protocol (410) and counts as a take.
func TestDiscardThroughTus(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[0] // one take
	loc := c.mustCreate(step.ID, -1)
	if r := c.patch(loc, 0, []byte("abc"), false); r.status != http.StatusNoContent {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	if r := c.do("DELETE", loc, nil, nil); r.status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	if r := c.patch(loc, 3, []byte("def"), false); r.status != http.StatusGone {
		t.Errorf("PATCH after discarding: %d %s", r.status, r.body)
	}
	if r := c.do("HEAD", loc, nil, nil); r.status != http.StatusGone {
		t.Errorf("HEAD after discarding: %d", r.status)
	}
	if r := c.create(step.ID, -1); r.status != http.StatusConflict {
		t.Errorf("a new take after discarding the only one: %d %s", r.status, r.body)
	}
	if m := w.takes(w.alice.Application, step.ID)[0]; m.Status != video.Discarded {
		t.Errorf("status %s, want discarded", m.Status)
	}
}

// TestMP4Answer: Safari records H.264/AAC MP4; it is accepted, made
// seekable in place, and needs no rendition.
func TestMP4Answer(t *testing.T) {
	t.Parallel()
	ffmpegtest.Require(t)
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[0]
	loc := c.mustCreate(step.ID, -1)
	c.send(loc, mustRead(t, ffmpegtest.MP4(t, t.TempDir(), 3)), 1<<20)
	w.process()
	m := w.takes(w.alice.Application, step.ID)[0]
	if m.Status != video.Ready || m.ContentType != "video/mp4" || m.RenditionKey != "" || m.Duration == nil || *m.Duration < 2.5 {
		t.Fatalf("an MP4 answer: %+v", m)
	}
}

// TestCapsCannotBeBypassed: neither a chunked PATCH (no Content-Length)
// nor a create carrying a body stores more than the step's cap.
func TestCapsCannotBeBypassed(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[0]
	capBytes := video.AnswerCap(step.MaxSeconds)

	r := c.do("POST", "/api/v1/uploads/", map[string]string{"Upload-Defer-Length": "1", "Content-Type": "application/offset+octet-stream",
		"Upload-Metadata": metadata("step_id", itoa(step.ID))}, []byte("bytes before any cap"))
	if r.status != http.StatusBadRequest {
		t.Errorf("a create with a body: %d %s", r.status, r.body)
	}

	loc := c.mustCreate(step.ID, -1)
	send := func(offset int64, n int64) reply {
		pr, pw := io.Pipe()
		go func() {
			buf := make([]byte, 1<<20)
			for left := n; left > 0; left -= int64(len(buf)) {
				if _, err := pw.Write(buf[:min(int64(len(buf)), left)]); err != nil {
					return
				}
			}
			pw.Close()
		}()
		req, err := http.NewRequest("PATCH", loc, pr) // no length: chunked
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Tus-Resumable", "1.0.0")
		req.Header.Set("Authorization", "Bearer "+w.alice.Token)
		req.Header.Set("Content-Type", "application/offset+octet-stream")
		req.Header.Set("Upload-Offset", itoa(offset))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		pr.Close()
		return reply{resp.StatusCode, resp.Header, string(b)}
	}
	send(0, capBytes+5<<20)
	head := c.do("HEAD", loc, nil, nil)
	stored, _ := strconv.ParseInt(head.header.Get("Upload-Offset"), 10, 64)
	if stored > capBytes {
		t.Fatalf("a chunked PATCH stored %d bytes, over the cap of %d", stored, capBytes)
	}
	if r := send(stored, 10<<20); r.status != http.StatusRequestEntityTooLarge && stored == capBytes {
		t.Errorf("a chunked PATCH at the cap: %d", r.status)
	}
	head = c.do("HEAD", loc, nil, nil)
	if n, _ := strconv.ParseInt(head.header.Get("Upload-Offset"), 10, 64); n > capBytes {
		t.Errorf("after a second chunked PATCH, %d bytes stored, over the cap of %d", n, capBytes)
	}
}

// TestLostCreateAnswer: a recorder whose create request reached the
// server but whose answer was lost asks again with the same take key and
// is pointed at the upload it made, instead of being refused for good.
func TestLostCreateAnswer(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[0]
	create := func(key string) reply {
		return c.do("POST", "/api/v1/uploads/", map[string]string{"Upload-Defer-Length": "1",
			"Upload-Metadata": metadata("step_id", itoa(step.ID), "take_key", key)}, nil)
	}
	first := create("k1")
	if first.status != http.StatusCreated {
		t.Fatalf("create: %d %s", first.status, first.body)
	}
	again := create("k1")
	if again.status != http.StatusConflict || again.header.Get("Location") == "" ||
		!strings.HasSuffix(first.header.Get("Location"), again.header.Get("Location")) {
		t.Fatalf("the same take again: %d, Location %q (first %q)", again.status, again.header.Get("Location"), first.header.Get("Location"))
	}
	if other := create("k2"); other.status != http.StatusConflict || other.header.Get("Location") != "" {
		t.Errorf("another take while one uploads: %d, Location %q", other.status, other.header.Get("Location"))
	}
	if n := len(w.takes(w.alice.Application, step.ID)); n != 1 {
		t.Errorf("%d takes, want 1", n)
	}
}

// TestResumeWindow: an upload begun before the deadline cannot be
// filled long after it.
func TestResumeWindow(t *testing.T) {
	t.Parallel()
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	loc := c.mustCreate(w.iv.Steps[0].ID, -1)
	later := w.alice.Application.DeadlineAt.Add(video.ResumeWindow + time.Hour)
	w.app.Videos.SetClock(func() time.Time { return later })
	if r := c.patch(loc, 0, []byte("late"), false); r.status != http.StatusConflict || !strings.Contains(r.body, "too long ago") {
		t.Errorf("a PATCH a day after the deadline: %d %s", r.status, r.body)
	}
}

// TestFailedRetakeKeepsTheGoodAnswer: a retake that fails processing does
// not replace the good take that was the answer.
func TestFailedRetakeKeepsTheGoodAnswer(t *testing.T) {
	t.Parallel()
	ffmpegtest.Require(t)
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[1] // three takes
	good := c.mustCreate(step.ID, -1)
	c.send(good, mustRead(t, ffmpegtest.WebM(t, t.TempDir(), 2)), 1<<20)
	w.process()
	bad := c.mustCreate(step.ID, -1)
	c.send(bad, randomBytes(4000), 1<<20)
	takes := w.takes(w.alice.Application, step.ID)
	answers, _ := w.app.Applications.Answers(context.Background(), w.alice.Application.ID)
	if answers[step.ID].RecordingID != takes[1].ID {
		t.Fatalf("the newest take should be the answer while it is processed")
	}
	w.process()
	answers, _ = w.app.Applications.Answers(context.Background(), w.alice.Application.ID)
	if answers[step.ID].RecordingID != takes[0].ID {
		t.Errorf("after the retake failed the answer is %d, want the good take %d", answers[step.ID].RecordingID, takes[0].ID)
	}
}

// TestBeyondLimitsFails: a take beyond media's limits fails with the
// reason, shown to the candidate, whether its headers say so (a thousand
// frames a second) or hide it (4352×2176 frames under a header of
// 640×480, which the first decoder refuses), and does not count.
func TestBeyondLimitsFails(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	w := newWorld(t, app.Config{})
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[1] // three takes
	dir := t.TempDir()
	fast := filepath.Join(dir, "fast.webm")
	runFFmpeg(t, tools, "-f", "lavfi", "-i", "testsrc=size=160x120:rate=1000", "-t", "1",
		"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "16", "-threads", "2", fast)
	large := filepath.Join(dir, "large.webm")
	runFFmpeg(t, tools, "-f", "lavfi", "-i", "color=c=black:s=4352x2176:r=2", "-t", "1",
		"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "16", "-lag-in-frames", "0", "-auto-alt-ref", "0", "-threads", "1", large)
	liar := mustRead(t, large)
	// Matroska's PixelWidth (B0) and PixelHeight (BA): 4352 and 2176
	// become 640 and 480.
	for _, r := range [][2][]byte{{{0xB0, 0x82, 0x11, 0x00}, {0xB0, 0x82, 0x02, 0x80}}, {{0xBA, 0x82, 0x08, 0x80}, {0xBA, 0x82, 0x01, 0xE0}}} {
		if bytes.Count(liar, r[0]) != 1 {
			t.Fatalf("the file holds %x %d times, want once", r[0], bytes.Count(liar, r[0]))
		}
		liar = bytes.Replace(liar, r[0], r[1], 1)
	}
	for i, tt := range []struct {
		name string
		file []byte
		want string
	}{
		{"a thousand frames a second", mustRead(t, fast), "It has 1000 frames a second; at most 120 are accepted."},
		{"a header that lies", liar, "Its pictures are 4352×2176 pixels; the largest accepted is 4096×2160."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			loc := c.mustCreate(step.ID, -1)
			c.send(loc, tt.file, 1<<20)
			w.process()
			m := w.takes(w.alice.Application, step.ID)[i]
			if m.Status != video.Failed || !strings.Contains(m.Error, tt.want) || !strings.Contains(m.Error, "record your answer again") {
				t.Fatalf("take: %s %q, want failed saying %q", m.Status, m.Error, tt.want)
			}
			if m.PlayableKey != "" || m.PosterKey != "" || m.Counts() {
				t.Errorf("the failed take kept files (%q, %q) or counts (%v)", m.PlayableKey, m.PosterKey, m.Counts())
			}
			for _, a := range w.candidate(w.alice.Token)["answers"].([]any) {
				ans := a.(map[string]any)
				if ans["step_id"] != float64(step.ID) {
					continue
				}
				if media := ans["media"].(map[string]any); media["status"] != "failed" || media["error"] != m.Error {
					t.Errorf("the candidate sees %v", media)
				}
			}
		})
	}
}

// TestWaitsWithoutSandbox: on a worker where ffmpeg cannot run in the
// sandbox, a recording is never processed outside it, nor failed: it
// waits in the queue, and is processed once the sandbox is there.
func TestWaitsWithoutSandbox(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	w := newWorld(t, app.Config{})
	w.app.Videos.SetSandbox(nil, errors.New("bubblewrap (bwrap) not found"))
	c := w.tus(w.alice.Token)
	step := w.iv.Steps[0]
	loc := c.mustCreate(step.ID, -1)
	c.send(loc, mustRead(t, ffmpegtest.WebM(t, t.TempDir(), 2)), 1<<20)
	for range 2 {
		w.process()
	}
	if m := w.takes(w.alice.Application, step.ID)[0]; m.Status != video.Processing {
		t.Fatalf("without a sandbox the take is %s %q, want processing", m.Status, m.Error)
	}
	ctx := context.Background()
	var waiting int
	err := w.app.DB.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE kind = $1 AND status = 'pending' AND run_at > $2`,
		video.TaskProcess, time.Now()).Scan(&waiting)
	if err != nil || waiting != 1 {
		t.Fatalf("%d tasks wait for later (%v), want 1", waiting, err)
	}

	w.app.Videos.SetSandbox(tools.Runner, nil)
	if _, err := w.app.DB.Exec(ctx, `UPDATE tasks SET run_at = $1 WHERE status = 'pending'`, time.Now()); err != nil {
		t.Fatal(err)
	}
	w.process()
	if m := w.takes(w.alice.Application, step.ID)[0]; m.Status != video.Ready {
		t.Fatalf("with the sandbox back the take is %s %q, want ready", m.Status, m.Error)
	}
}

// runFFmpeg makes a test file, outside any box: the inputs are ours.
func runFFmpeg(t *testing.T, tools ffmpeg.Tools, args ...string) {
	t.Helper()
	args = append([]string{"-nostdin", "-v", "error", "-y"}, args...)
	if out, err := exec.Command(tools.FFmpeg, args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v: %s", args, err, out)
	}
}

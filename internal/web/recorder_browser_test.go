package web_test

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
	"github.com/anyhour/anyhour/internal/video"
)

// videoApp is the whole of anyhour (pages, API, uploads and a running
// worker) with an interview of two video steps and one invited candidate.
type videoApp struct {
	app *app.App
	url string
	iv  opening.Interview
	inv application.Invitation
}

func newVideoApp(t *testing.T, steps []opening.Step) *videoApp {
	t.Helper()
	ctx := context.Background()
	w := apptest.New(t, app.Config{})
	w.RunWorker(t)
	a, srv := w.App, w.Server

	token, err := a.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Northwind", Email: "owner@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := a.Accounts.TokenMember(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	job, err := a.Openings.CreateJob(ctx, owner, opening.JobInput{Title: recorderPtr("Support engineer")})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := a.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: recorderPtr("First conversation"), Steps: &steps})
	if err != nil {
		t.Fatal(err)
	}
	openingtest.Checked(t, a.Openings, owner, iv)
	res, err := a.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Name: "Grace Hopper", Email: "grace@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	return &videoApp{app: a, url: srv.URL, iv: iv, inv: res.Invitations[0]}
}

// fakeMedia makes a camera picture and a voice for Chromium's fake
// devices: a moving test pattern, and speech from espeak-ng.
func fakeMedia(t *testing.T) (y4m, wav string) {
	t.Helper()
	dir := t.TempDir()
	y4m, wav = filepath.Join(dir, "camera.y4m"), filepath.Join(dir, "voice.wav")
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	run("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=24", "-t", "4", "-pix_fmt", "yuv420p", y4m)
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("espeak-ng is missing (apt-get install espeak-ng)")
		}
		t.Log("espeak-ng is missing: the fake microphone plays a tone instead of speech")
		run("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "4", wav)
		return
	}
	run("espeak-ng", "-w", wav, "Hello, my name is Grace. I have spent ten years making computers easier to talk to.")
	return
}

// openLink opens a candidate's magic link and waits until the welcome
// page has stored the browser's time zone and reloaded itself: a
// navigation started before that reload would be overtaken by it.
func openLink(p *browsertest.Page, base, token string) {
	p.Navigate(base + "/c/" + token)
	p.WaitVisible(`summary[data-zone]:not([data-zone=""])`)
}

// waitFor evaluates js once every 200 ms until ok says it is done.
func waitFor[T any](t *testing.T, p *browsertest.Page, js string, out *T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		p.Eval(js, out)
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s; last value %v", js, *out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestCandidateRecordsVideoAnswers records two answers in Chromium with a
// fake camera and microphone: one with the network cut for several
// seconds while recording, one with the page reloaded while it uploads.
// Both must arrive whole: the duration the server measures within half a
// second of what was recorded, and ffmpeg decoding them without error.
func TestCandidateRecordsVideoAnswers(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	y4m, wav := fakeMedia(t)
	w := newVideoApp(t, []opening.Step{
		{Kind: opening.KindVideo, Title: "Tell us about yourself", Prompt: "Who are you, and what brings you here?", MaxSeconds: 60, Retakes: 1},
		// One take: after the reload, the page must still resume it.
		{Kind: opening.KindVideo, Title: "A problem you solved", Prompt: "Describe a hard problem and how you solved it.", ThinkSeconds: 3, MaxSeconds: 60},
	})
	b := browsertest.NewWithOptions(t, browsertest.Options{FakeMedia: true, ExtraFlags: []string{
		"--use-file-for-fake-video-capture=" + y4m, "--use-file-for-fake-audio-capture=" + wav, "--autoplay-policy=no-user-gesture-required"}})
	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	openLink(p, w.url, w.inv.Token)
	step1, step2 := w.iv.Steps[0], w.iv.Steps[1]
	base := w.url + "/candidate/" + strconv.FormatInt(w.inv.Application.ID, 10)

	// Answer 1: the connection drops for five seconds mid-recording.
	// Grace agrees to be recorded first, and the camera turns on.
	p.Navigate(base + "/steps/" + strconv.FormatInt(step1.ID, 10))
	p.WaitVisible(".video-consent")
	p.Submit(".video-consent button.primary")
	p.WaitVisible(".rec-start")
	waitFor(t, p, `document.querySelector(".rec-preview").readyState`, new(int), func() bool { return true })
	p.CheckAccessibility()
	p.Screenshot("video-device-check")
	p.Click(".rec-start")
	p.WaitVisible(".rec-stop")
	for i := 1; i <= 12; i++ {
		time.Sleep(time.Second)
		switch i {
		case 3:
			p.SetNetwork(true, 0)
		case 5:
			p.Screenshot("video-recording-offline")
		case 8:
			p.SetNetwork(false, 0)
		}
	}
	p.Click(".rec-stop")
	var rec1 string
	waitFor(t, p, `document.querySelector(".recorder").dataset.recordedSeconds || ""`, &rec1, func() bool { return rec1 != "" })
	p.WaitVisible(".rec-saved")
	p.Screenshot("video-saved")
	p.WaitVisible(".cand-takes")

	// Answer 2: a slow uplink, and a reload while the take uploads.
	p.Navigate(base + "/steps/" + strconv.FormatInt(step2.ID, 10))
	p.WaitVisible(".recorder button.primary")
	p.CheckAccessibility()
	p.Screenshot("video-step")
	p.SetNetwork(false, 20_000) // slower than the recording: a backlog builds up
	p.Click(".recorder button.primary")
	p.WaitVisible(".rec-start")
	p.Click(".rec-start")
	p.WaitVisible(".rec-count")
	p.Screenshot("video-think-time")
	p.WaitVisible(".rec-stop")
	time.Sleep(8 * time.Second)
	p.Click(".rec-stop")
	var rec2 string
	waitFor(t, p, `document.querySelector(".recorder").dataset.recordedSeconds || ""`, &rec2, func() bool { return rec2 != "" })
	p.WaitVisible(".rec-uploading")
	p.Screenshot("video-uploading")
	p.Navigate(base + "/steps/" + strconv.FormatInt(step2.ID, 10)) // the reload
	p.SetNetwork(false, 0)
	p.WaitVisible(".rec-saved")
	p.WaitVisible(".cand-takes")

	for _, c := range []struct {
		step     opening.Step
		recorded string
	}{{step1, rec1}, {step2, rec2}} {
		var m video.Recording
		deadline := time.Now().Add(60 * time.Second)
		for {
			takes, err := w.app.Videos.Takes(context.Background(), w.inv.Application, c.step.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(takes) != 1 {
				t.Fatalf("%s: %d takes, want 1: %+v", c.step.Title, len(takes), takes)
			}
			m = takes[0]
			if m.Status == video.Ready || m.Status == video.Failed || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if m.Status != video.Ready || m.Duration == nil {
			t.Fatalf("%s: %+v", c.step.Title, m)
		}
		recorded, _ := strconv.ParseFloat(c.recorded, 64)
		if math.Abs(*m.Duration-recorded) > 0.5 {
			t.Errorf("%s: the server measured %.2f s, the browser recorded %.2f s", c.step.Title, *m.Duration, recorded)
		}
		orig := filepath.Join(w.app.Config.DataDir, "blobs", filepath.FromSlash(m.OriginalKey))
		if err := tools.Check(context.Background(), orig); err != nil {
			t.Errorf("%s: the uploaded file does not decode: %v", c.step.Title, err)
		}
		t.Logf("%s: recorded %.2f s, server %.2f s, %d bytes", c.step.Title, recorded, *m.Duration, m.Size)
	}
	p.Navigate(base + "/steps/" + strconv.FormatInt(step1.ID, 10))
	p.WaitVisible(".take video")
	p.CheckAccessibility()
	p.Screenshot("video-step-with-take")
	// With a take made, the recorder offers another, not a device check.
	if step1.Retakes > 0 {
		if got := p.Text(".recorder button.primary"); !strings.HasPrefix(got, "Record another take") {
			t.Errorf("with a take made, the recorder's button reads %q", got)
		}
	}
}

func recorderPtr[T any](v T) *T { return &v }

// consent records that the candidate agreed to be recorded, for tests
// about the recorder rather than the consent panel before it.
func (w *videoApp) consent(t *testing.T) {
	t.Helper()
	if _, err := w.app.Applications.ConsentToVideo(context.Background(), w.inv.Application); err != nil {
		t.Fatal(err)
	}
}

// TestPracticeNeverUploads records a practice take: it plays back in the
// page, and nothing reaches the server.
func TestPracticeNeverUploads(t *testing.T) {
	t.Parallel()
	ffmpegtest.Require(t)
	w := newVideoApp(t, []opening.Step{{Kind: opening.KindVideo, Title: "Hello", MaxSeconds: 30}})
	b := browsertest.NewWithOptions(t, browsertest.Options{FakeMedia: true})
	p := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	openLink(p, w.url, w.inv.Token)
	p.Navigate(w.url + "/candidate/" + strconv.FormatInt(w.inv.Application.ID, 10) + "/practice")
	p.Click(".recorder button.primary")
	p.WaitVisible(".rec-start")
	p.Click(".rec-start")
	p.WaitVisible(".rec-stop")
	time.Sleep(2 * time.Second)
	p.Click(".rec-stop")
	p.WaitVisible("video[controls]")
	var src string
	p.Eval(`document.querySelector("video[controls]").src`, &src)
	if !strings.HasPrefix(src, "blob:") {
		t.Errorf("the practice take plays from %q, want a blob: URL in the page", src)
	}
	p.CheckAccessibility()
	p.Screenshot("video-practice-phone")
	var n int
	if err := w.app.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM media`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d recordings on the server after practice (%v), want none", n, err)
	}
}

// TestRecorderStopsAtTheLimitAndExplainsProblems: a take stops by itself
// at the step's length; and a browser without a camera gets words that
// say what to do, not a dead button.
func TestRecorderStopsAtTheLimitAndExplainsProblems(t *testing.T) {
	t.Parallel()
	ffmpegtest.Require(t)
	w := newVideoApp(t, []opening.Step{{Kind: opening.KindVideo, Title: "Ten seconds", MaxSeconds: 10}})
	w.consent(t)
	step := w.url + "/candidate/" + strconv.FormatInt(w.inv.Application.ID, 10) + "/steps/" + strconv.FormatInt(w.iv.Steps[0].ID, 10)

	t.Run("no camera", func(t *testing.T) {
		// Without the fake-device switches, headless Chromium has no
		// camera or microphone to offer.
		p := browsertest.New(t).Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
		openLink(p, w.url, w.inv.Token)
		p.Navigate(step)
		p.Click(".recorder button.primary")
		p.WaitVisible(".recorder .error[role=alert]")
		if got := p.Text(".recorder .error[role=alert]"); !strings.Contains(got, "Try again") {
			t.Errorf("the refusal says %q", got)
		}
		p.CheckAccessibility()
		p.Screenshot("video-no-camera")
	})

	t.Run("stops at the limit", func(t *testing.T) {
		p := browsertest.NewWithOptions(t, browsertest.Options{FakeMedia: true}).Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
		openLink(p, w.url, w.inv.Token)
		p.Navigate(step)
		p.Click(".recorder button.primary")
		p.WaitVisible(".rec-start")
		p.Click(".rec-start")
		var recorded string
		waitFor(t, p, `document.querySelector(".recorder").dataset.recordedSeconds || ""`, &recorded, func() bool { return recorded != "" })
		// Up to 12 s: on a loaded machine the page's timer and the
		// recorder's stop can run late.
		if s, _ := strconv.ParseFloat(recorded, 64); s < 9.5 || s > 12 {
			t.Errorf("the take stopped at %s s, want 10", recorded)
		}
		p.WaitVisible(".rec-saved")
	})
}

// TestRecorderSendsALostTakeAgain: while a take records with the network
// down, the server loses its upload (its info emptied, as a disk that
// filled up left it before creation was atomic). When the network is
// back the server says the upload is lost, and the recorder sends the
// whole take again, from the device, as a new upload: it arrives whole,
// and the lost one counts as no take (the step allows one).
func TestRecorderSendsALostTakeAgain(t *testing.T) {
	t.Parallel()
	tools := ffmpegtest.Require(t)
	y4m, wav := fakeMedia(t)
	w := newVideoApp(t, []opening.Step{{Kind: opening.KindVideo, Title: "Tell us about yourself", MaxSeconds: 60}})
	w.consent(t)
	b := browsertest.NewWithOptions(t, browsertest.Options{FakeMedia: true, ExtraFlags: []string{
		"--use-file-for-fake-video-capture=" + y4m, "--use-file-for-fake-audio-capture=" + wav, "--autoplay-policy=no-user-gesture-required"}})
	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	openLink(p, w.url, w.inv.Token)
	step := w.iv.Steps[0]
	p.Navigate(w.url + "/candidate/" + strconv.FormatInt(w.inv.Application.ID, 10) + "/steps/" + strconv.FormatInt(step.ID, 10))
	p.WaitVisible(".recorder button.primary")
	p.Click(".recorder button.primary")
	p.WaitVisible(".rec-start")
	p.Click(".rec-start")
	p.WaitVisible(".rec-stop")

	// Once the server holds some of the take, the network goes and the
	// server loses the upload.
	var file string
	deadline := time.Now().Add(60 * time.Second)
	for file == "" {
		takes, err := w.app.Videos.Takes(context.Background(), w.inv.Application, step.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(takes) == 1 {
			f := filepath.Join(w.app.Config.DataDir, "blobs", "uploads", takes[0].UploadID)
			if fi, err := os.Stat(f); err == nil && fi.Size() > 0 {
				file = f
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no bytes of the take reached the server")
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.SetNetwork(true, 0)
	if err := os.Truncate(file+".info", 0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second) // recording on, offline
	p.SetNetwork(false, 0)
	time.Sleep(2 * time.Second)
	p.Click(".rec-stop")
	var rec string
	waitFor(t, p, `document.querySelector(".recorder").dataset.recordedSeconds || ""`, &rec, func() bool { return rec != "" })
	p.WaitVisible(".rec-saved")

	var takes []video.Recording
	deadline = time.Now().Add(60 * time.Second)
	for {
		var err error
		if takes, err = w.app.Videos.Takes(context.Background(), w.inv.Application, step.ID); err != nil {
			t.Fatal(err)
		}
		if len(takes) == 2 && (takes[1].Status == video.Ready || takes[1].Status == video.Failed) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(takes) != 2 || !takes[0].Lost() || takes[1].Status != video.Ready || takes[1].Duration == nil {
		t.Fatalf("takes after the server lost the first upload: %+v", takes)
	}
	recorded, _ := strconv.ParseFloat(rec, 64)
	if math.Abs(*takes[1].Duration-recorded) > 0.5 {
		t.Errorf("sent again, the take lasts %.2f s; the browser recorded %.2f s", *takes[1].Duration, recorded)
	}
	orig := filepath.Join(w.app.Config.DataDir, "blobs", filepath.FromSlash(takes[1].OriginalKey))
	if err := tools.Check(context.Background(), orig); err != nil {
		t.Errorf("the take sent again does not decode: %v", err)
	}
}

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/video"
)

// Part (b): how long a candidate waits after pressing stop on a slow
// uplink, with the recorder uploading while it records, against the same
// bytes uploaded only after stop.

// uplink is the emulated connection: 1 Mbit/s up.
const uplink = 125_000 // bytes per second

// cameras are the fake camera's pictures. The recorder asks MediaRecorder
// for 650 kbit/s of video; whether it gets that depends on the picture.
var cameras = []camera{
	{name: "camera-like: moving test pattern with sensor noise, 1280x720, 30 fps (more than the 480p the recorder asks for)",
		graph: "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t[v]"},
	{name: "low motion: still background, a small moving patch, 640x360, 24 fps",
		graph: "color=c=0x3a4a5a:s=640x360:r=24[bg];testsrc=s=96x96:r=24[fg];[bg][fg]overlay=x='272+40*sin(2*PI*t/4)':y=132[v]"},
}

// throttledRun is one recording on the throttled uplink.
type throttledRun struct {
	camera   string
	mimeType string
	recorded float64       // seconds, as the recorder measured them
	bytes    int64         // the take's size
	atStop   int64         // bytes on the server when stop was pressed
	saved    time.Duration // stop pressed → "saved" shown
	after    time.Duration // the same number of bytes, uploaded from the page only after stop
}

// throttledResult is part (b)'s report.
type throttledResult struct {
	seconds int
	runs    []throttledRun
}

// throttled runs part (b): an in-process anyhour on loopback, and per
// camera a headless Chromium that records an answer of seconds seconds.
func throttled(ctx context.Context, seconds int) (*throttledResult, error) {
	dir, err := scratch("throttled")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ln, base, err := listen()
	if err != nil {
		return nil, err
	}
	maxSeconds := min(max(600, seconds+60), 1800)
	w, err := newWorld(ctx, dir, base, []string{"Recorded answer", "Uploaded after stop"}, maxSeconds, len(cameras))
	if err != nil {
		return nil, err
	}
	defer w.app.Close()
	defer w.serve(ln)()
	res := &throttledResult{seconds: seconds}
	for i, cam := range cameras {
		run, err := record(ctx, w, base, cam, w.invs[i], seconds)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cam.name, err)
		}
		res.runs = append(res.runs, run)
	}
	return res, nil
}

// record answers step 1 in a new browser, then uploads the same number of
// bytes to step 2 from the same throttled tab.
func record(ctx context.Context, w *world, base string, cam camera, inv application.Invitation, seconds int) (throttledRun, error) {
	run := throttledRun{camera: cam.name}
	dir, err := scratch("browser")
	if err != nil {
		return run, err
	}
	defer os.RemoveAll(dir)
	y4m, wav, err := fakeMedia(dir, cam)
	if err != nil {
		return run, err
	}
	tab, stop, err := startBrowser(filepath.Join(dir, "profile"), y4m, wav)
	if err != nil {
		return run, err
	}
	defer stop()
	steps := base + "/candidate/" + strconv.FormatInt(inv.Application.ID, 10) + "/steps/"
	answer, later := w.iv.Steps[0], w.iv.Steps[1]
	if err := openStep(tab, base+"/c/"+inv.Token, steps+strconv.FormatInt(answer.ID, 10)); err != nil {
		return run, err
	}
	if err := startRecording(tab); err != nil {
		return run, err
	}
	fmt.Printf("   (b) recording %d s: %s\n", seconds, cam.name)
	onServer := func() int64 { return w.bytesOnServer(ctx, inv.Application, answer.ID) }
	began := time.Now()
	for left := time.Duration(seconds) * time.Second; left > 0; left = time.Duration(seconds)*time.Second - time.Since(began) {
		time.Sleep(min(left, 30*time.Second))
		fmt.Printf("       %3.0f s recorded, %5.1f MB on the server\n", time.Since(began).Seconds(), float64(onServer())/1e6)
	}
	run.atStop = onServer()
	ms, err := eval[float64](tab, time.Hour, stopAndWaitJS)
	if err != nil {
		return run, fmt.Errorf("stop and wait for saved: %w", err)
	}
	run.saved = time.Duration(ms * float64(time.Millisecond))
	secs, err := eval[string](tab, 15*time.Second, `document.querySelector(".recorder").dataset.recordedSeconds || ""`)
	if err != nil {
		return run, err
	}
	run.recorded, _ = strconv.ParseFloat(secs, 64)
	take, err := w.onlyTake(ctx, inv.Application, answer.ID)
	if err != nil {
		return run, err
	}
	run.bytes, run.mimeType = take.Size, take.Filetype
	fmt.Printf("       saved %.1f s after stop: %.1f MB recorded in %.1f s\n", run.saved.Seconds(), float64(run.bytes)/1e6, run.recorded)

	if err := do(tab, 30*time.Second, chromedp.Navigate(steps+strconv.FormatInt(later.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS(".recorder button.primary"))); err != nil {
		return run, err
	}
	if err := throttle(tab, uplink); err != nil {
		return run, err
	}
	fmt.Printf("   (b) uploading %.1f MB after stop, from the same throttled tab\n", float64(run.bytes)/1e6)
	ms, err = eval[float64](tab, time.Hour, fmt.Sprintf(uploadAfterStopJS, jsString(inv.Token), later.ID, run.bytes))
	if err != nil {
		return run, fmt.Errorf("upload after stop: %w", err)
	}
	run.after = time.Duration(ms * float64(time.Millisecond))
	if t, err := w.onlyTake(ctx, inv.Application, later.ID); err != nil || t.Size != run.bytes {
		return run, fmt.Errorf("upload after stop: the server holds %d bytes, want %d (%v)", t.Size, run.bytes, err)
	}
	fmt.Printf("       done in %.1f s\n", run.after.Seconds())
	return run, nil
}

// openStep follows the candidate's link, then opens the step's page and
// throttles the tab.
func openStep(tab context.Context, link, step string) error {
	if err := do(tab, 30*time.Second, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("a.cand-big")),
		chromedp.Navigate(step), chromedp.WaitVisible(chromedp.CSS(".recorder button.primary"))); err != nil {
		return fmt.Errorf("opening %s: %w", step, err)
	}
	return throttle(tab, uplink)
}

// startRecording checks the devices, waits for the camera's picture and
// starts recording, as a candidate does.
func startRecording(tab context.Context) error {
	if err := do(tab, 30*time.Second, chromedp.Click(chromedp.CSS(".recorder button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".rec-start"))); err != nil {
		return fmt.Errorf("device check: %w", err)
	}
	if _, err := eval[int](tab, 30*time.Second, previewReadyJS); err != nil {
		return fmt.Errorf("camera preview: %w", err)
	}
	if err := do(tab, 30*time.Second, chromedp.Click(chromedp.CSS(".rec-start")), chromedp.WaitVisible(chromedp.CSS(".rec-stop"))); err != nil {
		return fmt.Errorf("start recording: %w", err)
	}
	return nil
}

// bytesOnServer is how much of the application's take for step the disk
// store holds: 0 until the recorder has created the upload.
func (w *world) bytesOnServer(ctx context.Context, a application.Application, step int64) int64 {
	takes, err := w.app.Videos.Takes(ctx, a, step)
	if err != nil || len(takes) == 0 {
		return 0
	}
	fi, err := os.Stat(w.uploadPath(takes[0].UploadID))
	if err != nil {
		return 0
	}
	return fi.Size()
}

// onlyTake is the application's one take for step.
func (w *world) onlyTake(ctx context.Context, a application.Application, step int64) (video.Recording, error) {
	takes, err := w.app.Videos.Takes(ctx, a, step)
	if err != nil {
		return video.Recording{}, err
	}
	if len(takes) != 1 {
		return video.Recording{}, fmt.Errorf("%d takes for step %d, want 1", len(takes), step)
	}
	return takes[0], nil
}

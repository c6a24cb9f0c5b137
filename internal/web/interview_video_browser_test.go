package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
	"github.com/anyhour/anyhour/internal/ffmpeg/ffmpegtest"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestInterviewVideosInBrowser uploads an intro video through the file
// input of the videos page in headless Chromium (recorder.js, tus, the
// session cookie), waits for "Saved", and after processing plays it.
func TestInterviewVideosInBrowser(t *testing.T) {
	t.Parallel()
	ffmpegtest.Require(t)
	b := browsertest.New(t)
	ctx := context.Background()
	x := newIVVApp(t)
	x.signIn(t)
	olivia := teamOwner(t, x.testServer)
	job, err := x.Svc.Openings.CreateJob(ctx, olivia, opening.JobInput{Title: candPtr("Support engineer")})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := x.Svc.Openings.CreateInterview(ctx, olivia, opening.InterviewInput{JobID: &job.ID, Title: candPtr("Video round"), Steps: &[]opening.Step{
		{Kind: opening.KindVideo, Title: "Introduce yourself", ThinkSeconds: 30, Retakes: 1},
		{Kind: opening.KindText, Title: "Why support"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(ffmpegtest.WebM(t, t.TempDir(), 2))
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("%s/interviews/%d/videos", x.URL, iv.ID)
	scope := fmt.Sprintf("#iv%d-intro", iv.ID)

	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	teamSignInPage(p, x.URL)
	shot := func(name string) {
		t.Helper()
		if vs := p.Violations(); len(vs) > 0 {
			t.Errorf("%s: %d accessibility violation(s):\n%s", name, len(vs), browsertest.FormatViolations(vs))
		}
		p.Screenshot("team-videos-" + name)
	}
	p.Navigate(page)
	p.WaitVisible(scope + " .rec-file")
	shot("empty-desktop")

	// Choosing a file is what a person does with the input; the file is
	// built in the page because the browsertest Page has no file chooser.
	// The recorder leaves the page 1.2 s after it says "Saved", so the
	// same script waits for the message and reads the status with it, in
	// the page: a separate call could land on the next page.
	var saved struct {
		Visible bool
		Status  string
	}
	p.Eval(fmt.Sprintf(`(() => {
		const bytes = Uint8Array.from(atob(%q), c => c.charCodeAt(0));
		const dt = new DataTransfer();
		dt.items.add(new File([bytes], "welcome.webm", {type: "video/webm"}));
		const input = document.querySelector(%q);
		return new Promise(ok => {
			const check = () => {
				const el = document.querySelector(%q);
				if (!el) return false;
				ok({visible: el.getClientRects().length > 0, status: document.querySelector(%q).textContent.trim()});
				return true;
			};
			new MutationObserver((_, mo) => { if (check()) mo.disconnect(); }).observe(document.body, {childList: true, subtree: true, characterData: true});
			input.files = dt.files;
			input.dispatchEvent(new Event("change", {bubbles: true}));
		});
	})()`, base64.StdEncoding.EncodeToString(file), scope+" .rec-file", scope+" .rec-saved", scope+" .rec-status"), &saved)
	if !saved.Visible || saved.Status != "Saved." {
		t.Errorf("after the upload: saved message visible %v, status %q", saved.Visible, saved.Status)
	}
	candEventually(t, "the recorder goes back to the page", func() bool { return strings.Contains(p.Location(), "sent=") })
	p.WaitVisible(scope + " .slot-processing")
	shot("processing-desktop")

	x.process(t)
	p.Click(scope + " .slot-processing a") // Refresh
	p.WaitVisible(scope + " video")
	var duration float64
	p.Eval(fmt.Sprintf(`new Promise((ok, fail) => {
		const v = document.querySelector(%q);
		if (v.readyState >= 1) return ok(v.duration);
		v.addEventListener("loadedmetadata", () => ok(v.duration));
		v.addEventListener("error", () => fail(new Error("the video does not load")));
		v.load();
	})`, scope+" video"), &duration)
	if duration < 1.5 || duration > 2.5 {
		t.Errorf("the intro plays for %.2f s, want about 2", duration)
	}
	var poster bool
	p.Eval(fmt.Sprintf(`fetch(document.querySelector(%q).poster).then(r => r.ok && r.headers.get("Content-Type") === "image/jpeg")`, scope+" video"), &poster)
	if !poster {
		t.Error("the poster does not load")
	}
	shot("desktop")

	// The editor and the overview with a video step, for a person to look at.
	p.Navigate(fmt.Sprintf("%s/interviews/%d/edit", x.URL, iv.ID))
	shot("editor-desktop")
	p.Navigate(fmt.Sprintf("%s/interviews/%d", x.URL, iv.ID))
	if got := p.Text("ol.steps li .meta"); !strings.Contains(got, "up to 2:00 per take, 30 s to think, 2 takes") {
		t.Errorf("the overview says %q of the video step", got)
	}
	shot("interview-desktop")

	phone := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	teamSignInPage(phone, x.URL)
	phone.Navigate(page)
	phone.WaitVisible(scope + " video")
	if vs := phone.Violations(); len(vs) > 0 {
		t.Errorf("phone: %d accessibility violation(s):\n%s", len(vs), browsertest.FormatViolations(vs))
	}
	phone.Screenshot("team-videos-phone")
}

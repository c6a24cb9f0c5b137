package web_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestVideoConsentInBrowser: in Chromium, a video step first shows the
// consent panel and no recorder, with no axe violations at a desktop and
// a phone width. On the phone the candidate skips and lands on the next
// question, told what they can still do; on the desktop they agree, and
// the camera turns on without another click.
func TestVideoConsentInBrowser(t *testing.T) {
	t.Parallel()
	w := newVideoApp(t, []opening.Step{
		{Kind: opening.KindVideo, Title: "Tell us about yourself", Prompt: "Who are you, and what brings you here?", MaxSeconds: 60, Retakes: 1},
		{Kind: opening.KindText, Title: "Anything else", Prompt: "Is there anything else you would like us to know?"},
	})
	base := w.url + "/candidate/" + strconv.FormatInt(w.inv.Application.ID, 10)
	video := base + "/steps/" + strconv.FormatInt(w.iv.Steps[0].ID, 10)
	text := base + "/steps/" + strconv.FormatInt(w.iv.Steps[1].ID, 10)
	b := browsertest.NewWithOptions(t, browsertest.Options{FakeMedia: true})

	panelFirst := func(t *testing.T, p *browsertest.Page, name string) {
		t.Helper()
		openLink(p, w.url, w.inv.Token)
		p.Navigate(video)
		p.WaitVisible(".video-consent")
		var recorders int
		p.Eval(`document.querySelectorAll(".recorder, .rec-preview").length`, &recorders)
		if recorders != 0 {
			t.Errorf("%d recorder elements beside the consent panel", recorders)
		}
		p.CheckAccessibility()
		p.Screenshot("video-consent-" + name)
	}

	t.Run("phone skips", func(t *testing.T) {
		p := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
		panelFirst(t, p, "phone")
		p.Submit(".video-consent button[formaction$='/skip-video']")
		p.WaitVisible(".flash")
		if got := p.Location(); got != text {
			t.Errorf("skipping leads to %s, want the next question %s", got, text)
		}
		p.CheckAccessibility()
		p.Screenshot("video-skipped-phone")
	})

	t.Run("desktop agrees", func(t *testing.T) {
		p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
		panelFirst(t, p, "desktop")
		p.Submit(".video-consent button.primary")
		p.WaitVisible(".rec-start") // the camera is on: no second click
		p.WaitVisible(".consent-given")
		p.CheckAccessibility()
		a, err := w.app.Applications.ByToken(context.Background(), w.inv.Token)
		if err != nil || a.VideoConsentAt == nil {
			t.Fatalf("consent not recorded: %v %v", err, a.VideoConsentAt)
		}
	})
}

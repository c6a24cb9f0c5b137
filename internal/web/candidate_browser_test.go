package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestCandidatePagesInBrowser walks every candidate page in Chromium at a
// desktop and a phone width, checks each with axe-core and takes a
// screenshot (into $ANYHOUR_SCREENSHOTS when set).
func TestCandidatePagesInBrowser(t *testing.T) {
	// The browser reports this zone, and the page script stores it.
	t.Setenv("TZ", "Asia/Tokyo")
	f := newCandidateFixture(t)
	b := browsertest.New(t)
	sizes := []struct {
		name          string
		width, height int
	}{
		{"desktop", browsertest.DesktopWidth, browsertest.DesktopHeight},
		{"phone", browsertest.PhoneWidth, browsertest.PhoneHeight},
	}
	for i, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			inv := f.invite(t, f.iv, "Ada Lovelace", fmt.Sprintf("ada%d@example.com", i))
			p := b.Page(t, size.width, size.height)
			shot := func(name string) {
				t.Helper()
				p.CheckAccessibility()
				p.Screenshot("candidate-" + name + "-" + size.name)
			}

			p.Navigate(f.ts.URL + "/c/not-a-real-token")
			shot("bad-link")

			p.Navigate(f.ts.URL + "/c/" + inv.Token)
			p.WaitVisible("a.cand-big")
			waitForZone(t, f, inv, "Asia/Tokyo")
			// The script reloads the page once the zone is stored; wait for
			// the reloaded page rather than racing it with a navigation.
			p.WaitVisible(`summary[data-zone="Asia/Tokyo"]`)
			shot("welcome")

			p.Click("a.cand-big")
			p.WaitVisible("textarea#answer")
			p.SetValue("#answer", "I enjoy building calm, reliable tools that people trust with their time.")
			p.Submit("button[value=stay]")
			p.WaitVisible(".error[role=alert]")
			if got := p.Text("#answer-words"); got != "12 words of 5 — 7 over the limit" {
				t.Errorf("word count %q", got)
			}
			shot("text-step-over-limit")
			p.SetValue("#answer", "I build calm tools.")
			p.Submit("button[value=next]")
			p.WaitVisible("fieldset input[type=radio]")
			shot("choice-step")
			p.Click("fieldset label.check:nth-of-type(2)")
			p.Submit("button[value=next]")
			p.WaitVisible("input[type=checkbox]")
			p.Navigate(f.ts.URL + candAppPath(inv) + "/review")
			shot("review")
			p.Submit("form[action$='/submit'] button")
			p.WaitVisible(".flash")
			shot("status")
			p.Navigate(f.ts.URL + candStepPath(inv, f.iv.Steps[0]))
			shot("text-step-read-only")
		})
	}
}

// waitForZone waits until the welcome page's script has stored the
// browser's time zone.
func waitForZone(t *testing.T, f *candidateFixture, inv application.Invitation, want string) {
	t.Helper()
	candEventually(t, "the page script stores the zone "+want, func() bool {
		a, err := f.ts.Svc.Applications.ByToken(context.Background(), inv.Token)
		return err == nil && a.TimeZone == want
	})
}

// candEventually waits up to two minutes for ok, for what the browser
// does without a page load to wait for, and for gradings in a real
// sandbox: the browser, the server and the boxes share a loaded machine
// in CI. A test that passes waits only as long as it takes.
func candEventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(2 * time.Minute); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("timed out waiting until %s", what)
}

// TestCandidateWithoutJavaScript answers a text and a choice step by
// keyboard in a browser with JavaScript switched off.
func TestCandidateWithoutJavaScript(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	inv := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	b := browsertest.NewWithOptions(t, browsertest.Options{ExtraFlags: []string{"--blink-settings=scriptEnabled=false"}})
	p := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	p.Navigate(f.ts.URL + "/c/" + inv.Token)
	p.WaitVisible("#tz-form")
	p.Type("#tz", "Europe/Lisbon")
	p.Type("#tz-form button", "\r")
	p.WaitVisible(".flash")

	p.Navigate(f.ts.URL + candStepPath(inv, f.iv.Steps[0]))
	p.Type("#answer", "Typed without scripts.")
	p.Type("button[value=next]", "\r")
	p.WaitVisible("fieldset input[type=radio]")
	p.Type(fmt.Sprintf("input[value='%d']", f.iv.Steps[1].Options[1].ID), " ")
	p.Type("button[value=stay]", "\r")
	candEventually(t, "the choice is saved", func() bool {
		ans, err := f.ts.Svc.Applications.Answers(context.Background(), inv.Application.ID)
		return err == nil && len(ans[f.iv.Steps[1].ID].Choices) > 0
	})
	p.WaitVisible("input[type=radio]:checked")
	// axe-core and full-page screenshots need scripts, so the test above
	// checks and pictures these pages.

	a, err := f.ts.Svc.Applications.ByToken(context.Background(), inv.Token)
	if err != nil {
		t.Fatal(err)
	}
	ans, err := f.ts.Svc.Applications.Answers(context.Background(), inv.Application.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.TimeZone != "Europe/Lisbon" || ans[f.iv.Steps[0].ID].Text != "Typed without scripts." ||
		len(ans[f.iv.Steps[1].ID].Choices) != 1 || ans[f.iv.Steps[1].ID].Choices[0] != f.iv.Steps[1].Options[1].ID {
		t.Errorf("without JavaScript: zone %q, answers %+v", a.TimeZone, ans)
	}
}

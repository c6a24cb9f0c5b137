package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestCandidateFileStepInBrowser: in Chromium, on a phone and on a
// desktop, a candidate picks two files in the file step, uploads them and
// sees them listed; the step, the review page and, once submitted, the
// reviewer's page with the files pass axe.
func TestCandidateFileStepInBrowser(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	iv := f.fileStep(t)
	dir := t.TempDir()
	pdfPath := filepath.Join(dir, "my design.pdf")
	if err := os.WriteFile(pdfPath, []byte("%PDF-1.7\nthe design"), 0o644); err != nil {
		t.Fatal(err)
	}
	pngPath := filepath.Join(dir, "screen.png")
	if err := os.WriteFile(pngPath, onePixelPNG, 0o644); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	for i, size := range []struct {
		name string
		w, h int
	}{{"phone", browsertest.PhoneWidth, browsertest.PhoneHeight}, {"desktop", browsertest.DesktopWidth, browsertest.DesktopHeight}} {
		inv := f.invite(t, iv, "Ada Lovelace", fmt.Sprintf("ada%d@example.com", i))
		p := b.Page(t, size.w, size.h)
		p.Navigate(f.ts.URL + "/c/" + inv.Token)
		p.WaitVisible("a.cand-big")
		// The page's script stores the browser's zone and reloads: wait
		// for the reloaded page rather than race it.
		candEventually(t, "the page script stores the zone", func() bool {
			a, err := f.ts.Svc.Applications.ByToken(context.Background(), inv.Token)
			return err == nil && a.TimeZone != ""
		})
		p.WaitVisible("summary[data-zone]")
		p.Click("a.cand-big")
		p.WaitVisible("form.cand-file-form")
		p.CheckAccessibility()
		p.Screenshot("file-step-" + size.name)
		p.SetUploadFiles("#files", pdfPath, pngPath)
		p.Click("form.cand-file-form button[type=submit]")
		p.WaitVisible(".flash")
		if got := p.Text(".file-list"); !strings.Contains(got, "my design.pdf") || !strings.Contains(got, "screen.png") {
			t.Errorf("%s: the files listed: %q", size.name, got)
		}
		if got := p.Text(".flash"); !strings.Contains(got, "Uploaded") {
			t.Errorf("%s: the flash: %q", size.name, got)
		}
		p.CheckAccessibility()
		p.Screenshot("file-step-uploaded-" + size.name)
		// The review page lists them, and the candidate submits.
		p.Navigate(f.ts.URL + candAppPath(inv) + "/review")
		p.WaitVisible(".file-list")
		p.CheckAccessibility()
		p.Click("form[action$='/submit'] button[type=submit]")
		p.WaitVisible("main")

		team := b.Page(t, size.w, size.h)
		teamSignInPage(team, f.ts.URL)
		team.Navigate(fmt.Sprintf("%s/applications/%d", f.ts.URL, inv.Application.ID))
		team.WaitVisible(".review-files")
		team.CheckAccessibility()
		team.Screenshot("file-review-" + size.name)
	}
}

package web_test

import (
	"fmt"
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestPreviewInBrowser: the preview's pages pass axe on a phone.
func TestPreviewInBrowser(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	b := browsertest.New(t)
	p := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	teamSignInPage(p, f.ts.URL)
	p.Navigate(fmt.Sprintf("%s/interviews/%d/preview", f.ts.URL, f.iv.ID))
	p.WaitVisible(".preview-bar")
	p.CheckAccessibility()
	p.Screenshot("preview-welcome-phone")
	p.Click("a.cand-big")
	p.WaitVisible(".preview-nav")
	p.CheckAccessibility()
	p.Screenshot("preview-step-phone")
}

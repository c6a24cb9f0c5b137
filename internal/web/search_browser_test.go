package web_test

import (
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestSearchInBrowser searches from the header's box at desktop width and
// from the page on a phone; axe checks both.
func TestSearchInBrowser(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	b := browsertest.New(t)
	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	teamSignInPage(p, f.ts.URL)
	p.CheckAccessibility()
	p.Screenshot("search-header")
	p.SetValue("#top-q", "engines")
	p.Submit("#top-q")
	p.WaitVisible(".search-results")
	if got := p.Text(".search-results h2"); got != "Ada Lovelace" {
		t.Errorf("found %q", got)
	}
	p.CheckAccessibility()
	p.Screenshot("search-results")

	phone := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	teamSignInPage(phone, f.ts.URL)
	phone.Navigate(f.ts.URL + "/search")
	phone.WaitVisible("#search-q")
	phone.CheckAccessibility()
	phone.Screenshot("search-empty-phone")
	phone.SetValue("#search-q", "example")
	phone.Submit("#search-q")
	phone.WaitVisible(".search-results")
	var fits bool
	phone.Eval(`document.documentElement.scrollWidth <= innerWidth`, &fits)
	if !fits {
		t.Error("on a phone the search page scrolls sideways")
	}
	phone.CheckAccessibility()
	phone.Screenshot("search-results-phone")
}

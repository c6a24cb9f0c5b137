package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestSimilarityPairInABrowser: the step's pairs and a pair side by side
// (stacked on a phone), each passing axe; following a fragment's number
// lands on its counterpart on the other side.
func TestSimilarityPairInABrowser(t *testing.T) {
	t.Parallel()
	f := newSimilarityFixture(t)
	b := browsertest.New(t)
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", browsertest.PhoneWidth, browsertest.PhoneHeight}, {"desktop", browsertest.DesktopWidth, browsertest.DesktopHeight}} {
		p := b.Page(t, size.w, size.h)
		teamSignInPage(p, f.ts.URL)
		p.Navigate(f.ts.URL + f.base())
		p.WaitVisible("table.similarity-pairs")
		p.CheckAccessibility()
		p.Screenshot("similarity-step-" + size.name)
		p.Click(`table.similarity-pairs a[href*="/pair?"]`)
		p.WaitVisible(".pair-sides")
		p.CheckAccessibility()
		p.Screenshot("similarity-pair-" + size.name)
		var side struct{ Left, Right float64 }
		p.Eval(`(() => { const s = document.querySelectorAll(".pair-side"); return {Left: s[0].getBoundingClientRect().top, Right: s[1].getBoundingClientRect().top}; })()`, &side)
		if sideBySide := side.Left == side.Right; sideBySide != (size.w >= 1000) {
			t.Errorf("%s: the sides start at %v and %v", size.name, side.Left, side.Right)
		}
		p.Click("#l-frag-1")
		if loc := p.Location(); !strings.HasSuffix(loc, "#r-frag-1") {
			t.Errorf("%s: fragment 1's number leads to %s", size.name, loc)
		}
		var target string
		p.Eval(`document.querySelector(":target") ? document.querySelector(":target").id : ""`, &target)
		if target != "r-frag-1" {
			t.Errorf("%s: the target is %q", size.name, target)
		}
		p.Screenshot(fmt.Sprintf("similarity-pair-%s-followed", size.name))
	}
}

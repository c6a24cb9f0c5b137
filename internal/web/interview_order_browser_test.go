package web_test

import (
	"fmt"
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
	"github.com/chromedp/chromedp/kb"
)

// TestStepsReorderInBrowser moves steps by button, by arrow key on the
// handle and by dragging, and saves the order.
func TestStepsReorderInBrowser(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	b := browsertest.New(t)
	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	teamSignInPage(p, f.ts.URL)
	p.Navigate(fmt.Sprintf("%s/interviews/%d/edit", f.ts.URL, f.iv.ID))
	p.WaitVisible(".step-handle")
	order := func() string {
		var s string
		p.Eval(`[...document.querySelectorAll("fieldset.step-edit")].map(f => f.querySelector("input[name$='.title']").value + "=" + f.querySelector("input[name$='.position']").value).join(", ")`, &s)
		return s
	}
	p.Eval(`window.stayed = true`, nil)
	p.Click(`fieldset.step-edit button[value="down.0"]`)
	if got := order(); got != "Primes=1, About you=2, Go keywords=3, Anything else=4" {
		t.Errorf("after Move down: %s", got)
	}
	if got := p.Text("#move-said"); got != "“About you” is now step 2 of 4." {
		t.Errorf("announced %q", got)
	}
	var focused string
	p.Eval(`document.activeElement.value || ""`, &focused)
	if focused != "down.0" {
		t.Errorf("the focus went to %q, want the button that moved the step", focused)
	}
	// The arrow keys on a handle: the last step goes up one.
	p.Eval(`document.querySelectorAll("fieldset.step-edit .step-handle")[3].focus()`, nil)
	p.Press(kb.ArrowUp)
	if got := order(); got != "Primes=1, About you=2, Anything else=3, Go keywords=4" {
		t.Errorf("after ArrowUp on the last handle: %s", got)
	}
	// Dragging the last step above the first.
	p.Eval(`(() => {
		const all = [...document.querySelectorAll("fieldset.step-edit")];
		const from = all[3], to = all[0], dt = new DataTransfer();
		from.querySelector(".step-handle").dispatchEvent(new PointerEvent("pointerdown", {bubbles: true}));
		from.dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: dt}));
		const box = to.getBoundingClientRect();
		to.dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, clientY: box.top + 5, dataTransfer: dt}));
		from.dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt}));
		from.dispatchEvent(new DragEvent("dragend", {bubbles: true, dataTransfer: dt}));
	})()`, nil)
	if got := order(); got != "Go keywords=1, Primes=2, About you=3, Anything else=4" {
		t.Errorf("after dragging the last step to the top: %s", got)
	}
	var stayed bool
	if p.Eval(`window.stayed === true`, &stayed); !stayed {
		t.Error("moving a step reloaded the page")
	}
	p.CheckAccessibility()
	p.Screenshot("interview-editor-reorder")
	p.Click(`button[value="save"]:not(.sr-only)`)
	p.WaitVisible(".flash")
	if got := fmt.Sprint(stepTitles(t, f)); got != "[Go keywords Primes About you Anything else]" {
		t.Errorf("saved order %s", got)
	}
}

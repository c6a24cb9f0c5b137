package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// The viewport sizes that our tests use, in CSS pixels.
const (
	// DesktopWidth and DesktopHeight are a laptop browser window.
	DesktopWidth, DesktopHeight = 1280, 900
	// PhoneWidth and PhoneHeight are a current mid-size phone in portrait.
	PhoneWidth, PhoneHeight = 390, 844
)

// Page is one browser tab. Its methods fail the test that opened it, so call
// them from that test's goroutine. Selectors are CSS selectors, matched with
// document.querySelector (the first match wins).
//
// A Page keeps its cookies across navigations, so a test can log in once and
// then visit other pages. Each Page has its own cookie jar and storage, like
// a separate private window: two pages of one Browser can act as two users.
type Page struct {
	t   testing.TB
	ctx context.Context // a chromedp context with its own tab
}

// Page opens a tab of width×height CSS pixels for t and closes it when t
// ends. t may be a subtest of the test that started b.
func (b *Browser) Page(t testing.TB, width, height int) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)

	// As with the browser, the first Do creates the tab and must not run
	// under a deadline; the timer bounds it instead.
	timer := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height)))
	if !timer.Stop() {
		t.Fatalf("browsertest: opening a %dx%d tab: not done within %v", width, height, startTimeout)
	}
	if err != nil {
		t.Fatalf("browsertest: opening a %dx%d tab: %v", width, height, err)
	}
	return &Page{t: t, ctx: ctx}
}

// Navigate loads url and waits for its load event.
func (p *Page) Navigate(url string) {
	p.t.Helper()
	p.do(fmt.Sprintf("Navigate(%q)", url), chromedp.Navigate(url))
}

// Click waits for the element to be visible and clicks its center with the
// mouse. It does not wait for a page load that the click starts: follow it
// with WaitVisible of something on the next page, or use Submit for forms.
func (p *Page) Click(selector string) {
	p.t.Helper()
	p.do(fmt.Sprintf("Click(%q)", selector), chromedp.Click(chromedp.CSS(selector)))
}

// SetUploadFiles chooses files on disk in the file input selector, as a
// person picking them in the file dialog would.
func (p *Page) SetUploadFiles(selector string, paths ...string) {
	p.t.Helper()
	p.do(fmt.Sprintf("SetUploadFiles(%q)", selector), chromedp.SetUploadFiles(chromedp.CSS(selector), paths))
}

// SetValue sets the value of an input, textarea or select at once, then
// fires the input and change events that a person's edit would fire.
func (p *Page) SetValue(selector, value string) {
	p.t.Helper()
	js := fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		el.value = %s;
		el.dispatchEvent(new Event('input', {bubbles: true}));
		el.dispatchEvent(new Event('change', {bubbles: true}));
	})()`, jsString(selector), jsString(value))
	p.do(fmt.Sprintf("SetValue(%q, %q)", selector, value),
		chromedp.WaitReady(chromedp.CSS(selector)),
		chromedp.Evaluate[chromedp.Void](js))
}

// Type focuses the element and types text key by key, after what is already
// there. It is slower than SetValue; use it where key events matter.
func (p *Page) Type(selector, text string) {
	p.t.Helper()
	p.do(fmt.Sprintf("Type(%q, %q)", selector, text), chromedp.SendKeys(chromedp.CSS(selector), text))
}

// SelectAll focuses the element and presses Ctrl+A, as a person selects
// everything in an editor before typing over it.
func (p *Page) SelectAll(selector string) {
	p.t.Helper()
	p.do(fmt.Sprintf("SelectAll(%q)", selector),
		chromedp.Focus(chromedp.CSS(selector)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
}

// InsertText focuses the element and inserts text as a keyboard's input
// method or a paste does, in one piece. Use it for rich editors
// (contenteditable, such as CodeMirror), which key-by-key events from
// the DevTools protocol confuse.
func (p *Page) InsertText(selector, text string) {
	p.t.Helper()
	p.do(fmt.Sprintf("InsertText(%q, %q)", selector, abbreviate(text, 60)),
		chromedp.Focus(chromedp.CSS(selector)),
		func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
			return chromedp.Void{}, err
		})
}

// submitJS submits the form of the element %[1]s as a person would: with
// requestSubmit, so that constraint validation and submit handlers run and
// a submit button's name and value are sent. An invalid form is reported at
// once, instead of as a timeout waiting for a page that never comes.
const submitJS = `(() => {
	const el = document.querySelector(%[1]s);
	const form = el instanceof HTMLFormElement ? el : el.form;
	if (!form) throw new Error(%[1]s + ' is neither a form nor inside one');
	const invalid = [...form.elements].filter(e => e.willValidate && !e.checkValidity());
	if (invalid.length > 0) {
		throw new Error('the form is invalid: ' +
			invalid.map(e => (e.name || e.id || e.tagName) + ': ' + e.validationMessage).join('; '));
	}
	const submitter = el !== form && (el.type === 'submit' || el.type === 'image') ? el : undefined;
	form.requestSubmit(submitter);
})()`

// Submit submits the form that is, or contains, the element, and waits for
// the page that the submission loads (redirects followed). For a form whose
// script handles the submit without loading a page, use Click and
// WaitVisible instead.
func (p *Page) Submit(selector string) {
	p.t.Helper()
	what := fmt.Sprintf("Submit(%q)", selector)
	ctx, cancel := context.WithTimeout(p.ctx, Timeout)
	defer cancel()
	_, err := chromedp.RunResponse(ctx,
		chromedp.WaitReady(chromedp.CSS(selector)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(submitJS, jsString(selector))))
	if err != nil {
		p.fail(what, err)
	}
}

// Text returns the visible text (innerText) of the element, without leading
// and trailing white space.
func (p *Page) Text(selector string) string {
	p.t.Helper()
	s := run(p, fmt.Sprintf("Text(%q)", selector), chromedp.Text(chromedp.CSS(selector)))
	return strings.TrimSpace(s)
}

// Location returns the URL of the page.
func (p *Page) Location() string {
	p.t.Helper()
	return run(p, "Location()", chromedp.Location())
}

// Eval runs the JavaScript expression js, waits for it if it is a promise,
// and decodes its JSON value into out, as json.Unmarshal does. Pass a nil
// out to ignore the value.
func (p *Page) Eval(js string, out any) {
	p.t.Helper()
	what := fmt.Sprintf("Eval(%q)", abbreviate(js, 80))
	raw := run(p, what, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if out == nil {
		return
	}
	if len(raw) == 0 {
		p.t.Fatalf("browsertest: %s: the expression gave undefined, want a value for %T", what, out)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		p.t.Fatalf("browsertest: %s: decoding %s into %T: %v", what, abbreviate(string(raw), 200), out, err)
	}
}

// WaitVisible waits until the element exists and is visible.
func (p *Page) WaitVisible(selector string) {
	p.t.Helper()
	p.do(fmt.Sprintf("WaitVisible(%q)", selector), chromedp.WaitVisible(chromedp.CSS(selector)))
}

// do runs steps under Timeout and fails the test if one fails.
func (p *Page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.fail(what, err)
	}
}

// run runs an action that returns a value, under Timeout, and fails the test
// if it fails.
func run[T any](p *Page, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	return runWithin(p, Timeout, what, a)
}

// runWithin is run under bound d instead of Timeout.
func runWithin[T any](p *Page, d time.Duration, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, d)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.failAfter(what, err, d)
	}
	return v
}

// fail ends the test with what failed, where, and why.
func (p *Page) fail(what string, err error) {
	p.t.Helper()
	p.failAfter(what, err, Timeout)
}

// failAfter is fail for a step bounded by d.
func (p *Page) failAfter(what string, err error, d time.Duration) {
	p.t.Helper()
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("timed out after %v", d)
	}
	p.t.Fatalf("browsertest: %s on %s: %v", what, p.where(), err)
}

// where returns the URL of the page for an error message, or a placeholder
// when the tab does not answer.
func (p *Page) where() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown page)"
	}
	return u
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}

// abbreviate shortens s to at most n runes for an error message.
func abbreviate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

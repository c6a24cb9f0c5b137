package browsertest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Reload reloads the page and waits for its load event, as the browser's
// reload button does.
func (p *Page) Reload() {
	p.t.Helper()
	p.do("Reload()", chromedp.Reload())
}

// Sibling opens another tab of width×height beside p, sharing its cookies
// and storage as two tabs of one browser window do, and closes it when t
// ends.
func (p *Page) Sibling(t testing.TB, width, height int) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(p.ctx)
	t.Cleanup(cancel)
	timer := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height)))
	if !timer.Stop() {
		t.Fatalf("browsertest: opening a sibling tab: not done within %v", startTimeout)
	}
	if err != nil {
		t.Fatalf("browsertest: opening a sibling tab: %v", err)
	}
	return &Page{t: t, ctx: ctx}
}

// Dialogs are the JavaScript dialogs a page opened (alert, confirm,
// prompt, and the "leave this page?" of beforeunload), answered by
// AnswerDialogs.
type Dialogs struct {
	mu   sync.Mutex
	seen []string // their types: "alert", "confirm", "prompt", "beforeunload"
}

// Seen lists the types of the dialogs opened so far.
func (d *Dialogs) Seen() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.seen...)
}

// AnswerDialogs answers every JavaScript dialog the page opens from now
// on: accept leaves the page at a beforeunload warning or confirms; false
// stays or cancels. Without it, a dialog blocks the tab until the test
// times out.
func (p *Page) AnswerDialogs(accept bool) *Dialogs {
	p.t.Helper()
	d := &Dialogs{}
	opened := make(chan struct{}, 16)
	err := chromedp.Listen(p.ctx, func(ev any) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			d.mu.Lock()
			d.seen = append(d.seen, string(e.Type))
			d.mu.Unlock()
			select {
			case opened <- struct{}{}:
			default:
			}
		}
	})
	if err != nil {
		p.fail("AnswerDialogs", err)
	}
	go func() {
		for {
			select {
			case <-p.ctx.Done():
				return
			case <-opened:
				// Listen's func may not run commands; this goroutine may.
				_, err := chromedp.Call(p.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
				if err != nil && p.ctx.Err() == nil {
					fmt.Println("browsertest: answering a dialog:", err)
				}
			}
		}
	}()
	return d
}

// Press presses and releases key on whatever has the focus, as a person
// pressing a shortcut does; key is a character ("j") or one of package
// kb's keys (kb.Enter).
func (p *Page) Press(key string) {
	p.t.Helper()
	p.do(fmt.Sprintf("Press(%q)", key), chromedp.KeyEvent(key))
}

// PressCtrl presses key with Control held, as Ctrl+Enter.
func (p *Page) PressCtrl(key string) {
	p.t.Helper()
	p.do(fmt.Sprintf("PressCtrl(%q)", key), chromedp.KeyEvent(key, chromedp.KeyModifiers(chromedp.ModifierCtrl)))
}

// SetTimeZone makes the page's clock read time in zone (an IANA name), as
// a browser in that place does.
func (p *Page) SetTimeZone(zone string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, Timeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
		p.fail("SetTimeZone("+zone+")", err)
	}
}

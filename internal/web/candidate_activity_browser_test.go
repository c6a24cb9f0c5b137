package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/browsertest"
	"github.com/chromedp/chromedp/kb"
)

// TestCodePlaybackInBrowser records a candidate writing in the real
// editor (typing, a change at two cursors at once, an undo, a switch of
// language and back, a paste, a reload that opens a second session) and
// holds the record to the saved code: replayed on the server it gives
// the code exactly. The reviewer then sees the paste on the timeline and
// replays the answer at 10× to the same code. axe checks the candidate's
// pages that say what is recorded, and the reviewer's player.
func TestCodePlaybackInBrowser(t *testing.T) {
	t.Parallel()
	w := newCodeWorld(t)
	ctx := context.Background()
	appID, stepID := w.ada.Application.ID, w.iv.Steps[0].ID
	b := browsertest.New(t)
	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	openLink(p, w.URL, w.ada.Token)
	if got := p.Text("#recorded-h"); got != "What the code editor records" {
		t.Fatalf("the welcome page does not say what the editor records: %q", got)
	}
	p.CheckAccessibility()
	p.Screenshot("code-disclosure-welcome")
	p.Navigate(w.stepURL())
	p.WaitVisible(".code-editor .cm-content")
	p.Click("#code-disclosure summary")
	p.CheckAccessibility()

	// saved waits for the autosave of what the editor holds, then for the
	// record to reach the server, and returns the saved code and the
	// record replayed.
	saved := func(what string) string {
		t.Helper()
		var want string
		p.Eval(editorText, &want)
		deadline := time.Now().Add(30 * time.Second)
		for {
			answers, _ := w.app.Applications.Answers(ctx, appID)
			rec, err := w.app.Activity.Record(ctx, appID, stepID)
			got, rerr := rec.Replay()
			if err == nil && rerr == nil && answers[stepID].Code == want && got == want {
				return got
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the editor holds %q, the saved code is %q, the record replays to %q (%v, %v)",
					what, want, answers[stepID].Code, got, err, rerr)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}

	content := ".code-editor .cm-content"
	p.SelectAll(content)
	p.InsertText(content, "def reverse(s):\n    x = s\n    return x")
	saved("typing")

	// Two cursors: on the "x" of line 2, Ctrl+D twice selects both x's,
	// and one keystroke changes them at once; then an undo.
	p.PressCtrl(kb.Home)
	p.Press(kb.ArrowDown)
	for range 5 {
		p.Press(kb.ArrowRight)
	}
	p.PressCtrl("d")
	p.PressCtrl("d")
	p.InsertText(content, "chars")
	var text string
	p.Eval(editorText, &text)
	if text != "def reverse(s):\n    chars = s\n    return chars" {
		t.Fatalf("after the change at two cursors the editor holds %q", text)
	}
	saved("two cursors")
	p.PressCtrl("z")
	waitJS(t, p, "the undo", editorText+` === "def reverse(s):\n    x = s\n    return x"`)
	saved("undo")

	// Another language and back: its starter, then the draft again.
	p.SetValue("#language", "javascript")
	waitJS(t, p, "the JavaScript starter", editorText+`.startsWith("export function reverse")`)
	p.SetValue("#language", "python")
	waitJS(t, p, "the Python draft", editorText+` === "def reverse(s):\n    x = s\n    return x"`)

	// A paste, as the clipboard brings it, at the end.
	p.PressCtrl(kb.End)
	p.Eval(`(() => { const d = new DataTransfer(); d.setData("text/plain", "[::-1]\n# found online\n");
		document.querySelector(".code-editor .cm-content").dispatchEvent(new ClipboardEvent("paste", {clipboardData: d, bubbles: true, cancelable: true})); })()`, nil)
	waitJS(t, p, "the paste", editorText+`.endsWith("return x[::-1]\n# found online\n")`)
	saved("paste")

	// The page is opened again: a second session continues the record.
	p.Reload()
	p.WaitVisible(".code-editor .cm-content")
	p.Click(content)
	p.PressCtrl(kb.End)
	p.InsertText(content, "# done")
	final := saved("second session")
	rec, err := w.app.Activity.Record(ctx, appID, stepID)
	if err != nil || len(rec.Sessions) != 2 || rec.Sessions[1].Base == "" || rec.Sessions[1].Continues {
		t.Fatalf("want two sessions, the second from the code it opened with: %+v, %v", rec.Sessions, err)
	}
	if rec.Bytes > 4096 {
		t.Errorf("the record takes %d bytes for a few edits", rec.Bytes)
	}

	p.Navigate(w.URL + "/candidate/" + strconv.FormatInt(appID, 10) + "/review")
	p.Submit("form[action$='/submit'] button")
	p.WaitVisible(".flash")
	p.Navigate(w.stepURL())
	p.WaitVisible(".code-activity")
	if got := p.Text(".code-activity"); !strings.Contains(got, "1 paste (22 characters)") || !strings.Contains(got, "Pasted 22 characters: [::-1]") || !strings.Contains(got, "Opened the editor again") {
		t.Errorf("the candidate's list of what was recorded:\n%s", got)
	}
	p.CheckAccessibility()

	// The reviewer: the timeline, then the replay at 10×.
	team := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	teamSignInPage(team, w.URL)
	team.Navigate(w.URL + "/applications/" + strconv.FormatInt(appID, 10))
	if got := team.Text(".code-activity"); !strings.Contains(got, "Pasted 22 characters: [::-1]") || !strings.Contains(got, "Switched the language to javascript") {
		t.Errorf("the reviewer's timeline:\n%s", got)
	}
	team.Click(".code-activity a")
	team.WaitVisible("#pb-status")
	waitJS(t, team, "the record is loaded", `document.getElementById("pb-status").textContent.includes("The replay ends with the saved code")`)
	var marks int
	team.Eval(`document.querySelectorAll(".pb-mark.pb-paste").length`, &marks)
	if marks != 1 {
		t.Errorf("%d pastes marked on the timeline, want 1", marks)
	}
	team.CheckAccessibility()
	player := `[...document.querySelectorAll("#pb-code .cm-line")].map(l => l.textContent).join("\n")`
	team.SetValue("#pb-speed", "10")
	team.Click("#pb-play")
	waitJS(t, team, "the replay ends", `document.getElementById("pb-play").textContent === "Play again"`)
	team.Eval(player, &text)
	if text != final {
		t.Errorf("the replay ends with %q, want the saved %q", text, final)
	}
	team.Screenshot("code-playback-end")
	// Back to the start: the starter, as the editor opened with it.
	team.Eval(`(() => { const r = document.getElementById("pb-pos"); r.value = "0"; r.dispatchEvent(new Event("input")); })()`, nil)
	team.Eval(player, &text)
	if text != "def reverse(s):\n    return s\n" {
		t.Errorf("at 0:00 the replay shows %q, want the starter", text)
	}
	// To the paste: the code just before it went in.
	team.Click(".pb-mark.pb-paste")
	team.Eval(player, &text)
	if text != "def reverse(s):\n    x = s\n    return x" {
		t.Errorf("at the paste the replay shows %q", text)
	}
	team.Screenshot("code-playback-paste")
}

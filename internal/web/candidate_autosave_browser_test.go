package web_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestTypedAnswersAreNeverLost holds the welcome page's promise, "every
// answer is saved as you go", to account in Chromium at a desktop and a
// phone width: a written answer typed and left at once by every link on
// the step, by reload, while offline (the browser warns before leaving),
// and in a tab that dies offline (the next tab puts the text back and
// saves it); a version kept on the device that differs from one saved
// since elsewhere is offered, not forced; a choice is saved when ticked.
func TestTypedAnswersAreNeverLost(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	b := browsertest.New(t)
	for i, size := range []struct {
		name          string
		width, height int
	}{
		{"desktop", browsertest.DesktopWidth, browsertest.DesktopHeight},
		{"phone", browsertest.PhoneWidth, browsertest.PhoneHeight},
	} {
		t.Run(size.name, func(t *testing.T) {
			inv := f.invite(t, f.iv, "Ada Lovelace", fmt.Sprintf("ada-autosave%d@example.com", i))
			text0, choice1 := f.iv.Steps[0], f.iv.Steps[1]
			saved := func(st opening.Step) application.Answer {
				t.Helper()
				ans, err := f.ts.Svc.Applications.Answers(context.Background(), inv.Application.ID)
				if err != nil {
					t.Fatal(err)
				}
				return ans[st.ID]
			}
			waitSaved := func(what string, st opening.Step, want string) {
				t.Helper()
				candEventually(t, what, func() bool { return saved(st).Text == want })
			}
			p := b.Page(t, size.width, size.height)
			p.Navigate(f.ts.URL + "/c/" + inv.Token)
			p.WaitVisible("a.cand-big")
			step := f.ts.URL + candStepPath(inv, text0)
			value := func() string {
				var s string
				p.Eval(`document.getElementById("answer").value`, &s)
				return s
			}

			// Each link on the step, followed at once after typing: the
			// answer is saved before the page goes.
			typed := ""
			for _, link := range []string{"nav.crumbs a", "form.cand-answer .actions a"} {
				p.Navigate(step)
				p.WaitVisible("#answer")
				if got := value(); got != typed {
					t.Fatalf("back on the step, the answer reads %q, want %q", got, typed)
				}
				word := map[string]string{"nav.crumbs a": "Calm", "form.cand-answer .actions a": " tools"}[link]
				appendText(p, "#answer", word)
				typed += word
				p.Click(link)
				p.WaitVisible("a.cand-big")
				waitSaved("the answer left by "+link+" is saved", text0, typed)
			}

			// Reload straight after typing.
			p.Navigate(step)
			p.WaitVisible("#answer")
			appendText(p, "#answer", " last")
			typed += " last"
			p.Reload()
			p.WaitVisible("#answer")
			candEventually(t, "the reloaded step shows the text", func() bool { return value() == typed })
			waitSaved("the answer left by reload is saved", text0, typed)
			waitJS(t, p, "the status line says when it was saved", `document.getElementById("save-status").textContent.includes("Saved at")`)

			// Offline: the page says the text is kept here, and leaving
			// brings the browser's warning; back online, it is saved.
			dialogs := p.AnswerDialogs(false)
			p.SetNetwork(true, 0)
			appendText(p, "#answer", " offline")
			typed += " offline"
			waitJS(t, p, "the page says it could not save", `document.getElementById("save-status").textContent.includes("kept on this device")`)
			p.Click("nav.crumbs a")
			candEventually(t, "the browser warns before leaving", func() bool { return slices.Contains(dialogs.Seen(), "beforeunload") })
			if got := p.Location(); !strings.HasSuffix(got, candStepPath(inv, text0)) {
				t.Fatalf("after choosing to stay, the page is %s", got)
			}
			if got := value(); got != typed {
				t.Errorf("after the warning the answer reads %q, want %q", got, typed)
			}
			p.SetNetwork(false, 0)
			waitSaved("the answer typed offline is saved when back online", text0, typed)

			// A tab that dies offline: the next tab on this device puts
			// the text back and saves it.
			p.SetNetwork(true, 0)
			appendText(p, "#answer", " crash")
			typed += " crash"
			waitJS(t, p, "the page says it could not save", `document.getElementById("save-status").textContent.includes("kept on this device")`)
			if got := saved(text0).Text; got == typed {
				t.Fatal("the offline tab saved its text")
			}
			q := p.Sibling(t, size.width, size.height)
			q.Navigate(step)
			q.WaitVisible("#answer")
			candEventually(t, "the new tab puts the kept text back", func() bool {
				var s string
				q.Eval(`document.getElementById("answer").value`, &s)
				return s == typed
			})
			waitSaved("the kept text is saved from the new tab", text0, typed)
			q.CheckAccessibility()
			q.Screenshot("candidate-autosave-restored-" + size.name)

			// A copy on this device older than an answer saved elsewhere is
			// offered, not forced.
			other := f.iv.Steps[3]
			q.Eval(fmt.Sprintf(`localStorage.setItem("anyhour-answer:%d/%d", JSON.stringify({base: "text=from+another+time", value: "text=Kept+on+this+device", at: Date.now() - 3600e3}))`,
				inv.Application.ID, other.ID), nil)
			if _, err := f.ts.Svc.Applications.SaveAnswer(context.Background(), inv.Application, other.ID, application.AnswerInput{Text: candPtr("Saved on my phone")}); err != nil {
				t.Fatal(err)
			}
			q.Navigate(f.ts.URL + candStepPath(inv, other))
			q.WaitVisible(".draft-choice")
			var shown string
			q.Eval(`document.getElementById("answer").value`, &shown)
			if shown != "Saved on my phone" {
				t.Errorf("with a choice to make, the step shows %q, want the saved answer", shown)
			}
			q.CheckAccessibility()
			q.Screenshot("candidate-autosave-choose-" + size.name)
			q.Click(".draft-choice button")
			waitSaved("the device's version is saved once chosen", other, "Kept on this device")

			// A choice is saved when ticked, and unticking every box says
			// the question is unanswered.
			q.Navigate(f.ts.URL + candStepPath(inv, choice1))
			q.Click("fieldset label.check:nth-of-type(2)")
			candEventually(t, "the choice is saved when ticked", func() bool {
				c := saved(choice1).Choices
				return len(c) == 1 && c[0] == choice1.Options[1].ID
			})
			waitJS(t, q, "the status says saved", `document.getElementById("save-status").textContent.includes("Saved at")`)
			multi := f.iv.Steps[2]
			q.Navigate(f.ts.URL + candStepPath(inv, multi))
			q.Click("fieldset label.check:nth-of-type(1)")
			waitJS(t, q, "the status says saved", `document.getElementById("save-status").textContent.includes("Saved at")`)
			q.Click("fieldset label.check:nth-of-type(1)")
			waitJS(t, q, "the status says unanswered", `document.getElementById("save-status").textContent.includes("unanswered")`)

			// Submitted: the device forgets every copy it kept.
			q.Navigate(f.ts.URL + candAppPath(inv) + "/review")
			q.Submit("form[action$='/submit'] button")
			q.WaitVisible(".flash")
			candEventually(t, "the copies are forgotten after submitting", func() bool {
				var n int
				q.Eval(`Object.keys(localStorage).filter(k => k.startsWith("anyhour-answer:")).length`, &n)
				return n == 0
			})
		})
	}
}

// appendText types text at the end of a text field, as a person who
// clicks after the last word and goes on does.
func appendText(p *browsertest.Page, sel, text string) {
	p.Eval(fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.focus(); el.setSelectionRange(el.value.length, el.value.length); })()`, sel), nil)
	p.InsertText(sel, text)
}

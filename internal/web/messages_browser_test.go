package web_test

import (
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestConversationInBrowser is the same conversation in Chromium: a
// candidate asks a question, a recruiter answers from the inbox, and the
// candidate sees the answer and the receipt. axe checks the candidate's
// page at desktop and phone widths.
func TestConversationInBrowser(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ada := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	b := browsertest.New(t)
	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	openLink(p, f.ts.URL, ada.Token)
	p.Click(".cand-messages a")
	p.WaitVisible("#body")
	p.CheckAccessibility()
	p.SetValue("#body", "Hello! Can I answer the coding task in Python?\n\nThanks, Ada")
	p.Submit("#body")
	p.WaitVisible(".thread")
	if got := p.Text(".msg-mine .msg-receipt"); got != "Sent; not seen by the team yet" {
		t.Errorf("receipt before the team reads: %q", got)
	}
	p.CheckAccessibility()
	p.Screenshot("messages-candidate-sent")

	team := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	teamSignInPage(team, f.ts.URL)
	team.Click(`nav a[href="/inbox"]`)
	team.WaitVisible("table.inbox")
	team.Screenshot("messages-inbox")
	team.Click("table.inbox tbody tr a")
	team.WaitVisible("#msg-body")
	team.SetValue("#note-body", "Python is in her CV too.")
	team.Submit("#note-body")
	team.WaitVisible(".msg-note")
	team.SetValue("#msg-body", "Yes, Python is fine. Good luck!")
	team.Submit("#msg-body")
	team.WaitVisible(".msg-team")
	team.Screenshot("messages-application")

	p.Navigate(f.ts.URL + candAppPath(ada) + "/status")
	if got := p.Text(".cand-messages .notice"); !strings.Contains(got, "1 new message") {
		t.Errorf("the status page says %q", got)
	}
	p.Click(".cand-messages a")
	p.WaitVisible(".msg-team")
	if got := p.Text(".msg-team .msg-body"); got != "Yes, Python is fine. Good luck!" {
		t.Errorf("Ada reads %q", got)
	}
	if got := p.Text(".msg-mine .msg-receipt"); !strings.HasPrefix(got, "Seen by the team") {
		t.Errorf("receipt after the team read: %q", got)
	}
	if strings.Contains(p.Text("main"), "CV") {
		t.Error("the team's note reached the candidate")
	}
	p.CheckAccessibility()
	p.Screenshot("messages-candidate-answered")

	phone := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	openLink(phone, f.ts.URL, ada.Token)
	phone.Navigate(f.ts.URL + candAppPath(ada) + "/messages")
	phone.WaitVisible(".thread")
	var fits bool
	phone.Eval(`document.documentElement.scrollWidth <= innerWidth`, &fits)
	if !fits {
		t.Error("on a phone the messages page scrolls sideways")
	}
	phone.CheckAccessibility()
	phone.Screenshot("messages-candidate-phone")
}

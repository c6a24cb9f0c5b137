package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/application"
)

func TestCandidateMagicLinkSetsCookie(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	inv := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(f.ts.URL + "/c/" + inv.Token)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != candAppPath(inv) {
		t.Fatalf("magic link: %d to %q, want 303 to %s", resp.StatusCode, loc, candAppPath(inv))
	}
	var got *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == fmt.Sprintf("anyhour_c%d", inv.Application.ID) {
			got = ck
		}
	}
	if got == nil {
		t.Fatalf("no application cookie in %v", resp.Header["Set-Cookie"])
	}
	lifetime := time.Duration(got.MaxAge) * time.Second
	want := time.Until(inv.Application.LinkExpiresAt())
	if got.Value != inv.Token || got.Path != candAppPath(inv) || !got.HttpOnly || !got.Secure || got.SameSite != http.SameSiteLaxMode ||
		lifetime < want-time.Minute || lifetime > want+time.Minute {
		t.Errorf("cookie %+v; want the token, Path %s, HttpOnly, Secure, Lax, lifetime about %v", got, candAppPath(inv), want)
	}
}

func TestCandidateJourney(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	inv := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	text1, single, multi, last := f.iv.Steps[0], f.iv.Steps[1], f.iv.Steps[2], f.iv.Steps[3]
	b := f.ts.browser(t)
	f.open(t, b, inv)

	// Welcome: who, what, how long, and the deadline in both zones.
	resp, body := b.post(candAppPath(inv)+"/timezone", candForm("tz", "Europe/Berlin"))
	doc := candHTML(t, body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(candText(doc, ".flash"), "Europe/Berlin") {
		t.Fatalf("time zone: %d, flash %q", resp.StatusCode, candText(doc, ".flash"))
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	newYork, _ := time.LoadLocation("America/New_York")
	d := inv.Application.DeadlineAt
	teamTime := d.In(newYork).Format("15:04 MST")
	if d.In(newYork).Day() != d.In(berlin).Day() {
		teamTime = d.In(newYork).Format("Mon 2 Jan, 15:04 MST")
	}
	wantDeadline := d.In(berlin).Format("Mon 2 Jan 2006, 15:04 MST") + " (your time) — " + teamTime + " (team's time)"
	if got := candText(doc, ".cand-facts dd"); got != wantDeadline {
		t.Errorf("deadline %q, want %q", got, wantDeadline)
	}
	for _, want := range []string{"Acme Robotics", "Backend engineer", "First interview", "This takes about twenty minutes.", "About 18 minutes in total"} {
		if !strings.Contains(doc.Text(), want) {
			t.Errorf("welcome page lacks %q", want)
		}
	}
	if n := doc.Find("ol.steps li").Length(); n != 4 {
		t.Errorf("welcome lists %d steps, want 4", n)
	}
	if href, _ := doc.Find("a.cand-big").Attr("href"); href != candStepPath(inv, text1) || candText(doc, "a.cand-big") != "Start" {
		t.Errorf("start button %q to %q", candText(doc, "a.cand-big"), href)
	}
	if doc.Find("header nav").Length() != 0 {
		t.Errorf("candidate page shows team navigation")
	}

	// The first step starts the application and shows a labelled textarea.
	_, body = b.get(candStepPath(inv, text1))
	doc = candHTML(t, body)
	if got := candText(doc, ".cand-count"); !strings.HasPrefix(got, "Step 1 of 4") {
		t.Errorf("step counter %q", got)
	}
	if doc.Find("label[for=answer]").Length() != 1 || doc.Find("textarea#answer[name=text]").Length() != 1 || !strings.Contains(candText(doc, "#answer-hint"), "Up to 5 words") {
		t.Errorf("text step form is not as expected:\n%s", body)
	}
	if a, err := f.ts.Svc.Applications.ByToken(context.Background(), inv.Token); err != nil || a.Status != application.Started {
		t.Errorf("after the first step: status %q, %v; want started", a.Status, err)
	}

	// Save keeps the answer on the page with a confirmation.
	resp, body = b.post(candStepPath(inv, text1), candForm("text", "I build calm tools.", "then", "stay"))
	doc = candHTML(t, body)
	if resp.Request.URL.Path != candStepPath(inv, text1) || !strings.HasPrefix(candText(doc, ".flash"), "Saved at ") {
		t.Errorf("save: at %s, flash %q", resp.Request.URL.Path, candText(doc, ".flash"))
	}
	if got := doc.Find("textarea#answer").Text(); got != "I build calm tools." {
		t.Errorf("saved answer prefills %q", got)
	}

	// Over the word limit: saved, kept in the form, and the error shown.
	long := "one two three four five six seven"
	resp, body = b.post(candStepPath(inv, text1), candForm("text", long, "then", "next"))
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != candStepPath(inv, text1) {
		t.Errorf("over the limit: %d at %s, want to stay on the step", resp.StatusCode, resp.Request.URL.Path)
	}
	if got := candText(doc, ".error[role=alert]"); !strings.Contains(got, "7 words; the limit is 5") {
		t.Errorf("over the limit: error %q", got)
	}
	if got := doc.Find("textarea#answer").Text(); got != long {
		t.Errorf("over the limit: the form holds %q, want what was typed", got)
	}

	// Save and continue goes to the next step: a single choice.
	resp, body = b.post(candStepPath(inv, text1), candForm("text", "I build calm tools.", "then", "next"))
	doc = candHTML(t, body)
	if resp.Request.URL.Path != candStepPath(inv, single) {
		t.Fatalf("save and continue lands on %s, want %s", resp.Request.URL.Path, candStepPath(inv, single))
	}
	if doc.Find("fieldset legend").Length() != 1 || !strings.Contains(candText(doc, "#step-prompt"), "Which of these numbers is prime?") ||
		doc.Find(`fieldset[aria-describedby="step-prompt"]`).Length() != 1 ||
		doc.Find("fieldset label.check input[type=radio][name=choice]").Length() != 3 {
		t.Errorf("single choice form is not as expected:\n%s", body)
	}
	seven := fmt.Sprint(single.Options[1].ID)
	resp, _ = b.post(candStepPath(inv, single), candForm("choice", seven, "then", "next"))
	if resp.Request.URL.Path != candStepPath(inv, multi) {
		t.Errorf("after the choice: at %s, want %s", resp.Request.URL.Path, candStepPath(inv, multi))
	}
	_, body = b.get(candStepPath(inv, single))
	if v, _ := candHTML(t, body).Find("input[name=choice]:checked").Attr("value"); v != seven {
		t.Errorf("checked option %q, want %s", v, seven)
	}

	// Multiple choice: checkboxes, several kept. The last step stays unanswered.
	_, body = b.get(candStepPath(inv, multi))
	if n := candHTML(t, body).Find("input[type=checkbox][name=choice]").Length(); n != 3 {
		t.Errorf("multiple choice shows %d checkboxes, want 3", n)
	}
	resp, _ = b.post(candStepPath(inv, multi), candForm("choice", fmt.Sprint(multi.Options[0].ID), "choice", fmt.Sprint(multi.Options[2].ID), "then", "next"))
	if resp.Request.URL.Path != candStepPath(inv, last) {
		t.Errorf("after the multiple choice: at %s", resp.Request.URL.Path)
	}
	resp, _ = b.post(candStepPath(inv, last), candForm("text", "", "then", "next"))
	if resp.Request.URL.Path != candAppPath(inv)+"/review" {
		t.Errorf("save and continue on the last step lands on %s, want the review", resp.Request.URL.Path)
	}

	// Review warns about the unanswered step and links to it.
	_, body = b.get(candAppPath(inv) + "/review")
	doc = candHTML(t, body)
	if got := candText(doc, ".notice"); !strings.Contains(got, "1 step is not answered yet") {
		t.Errorf("review notice %q", got)
	}
	if href, _ := doc.Find(".notice a").Attr("href"); href != candStepPath(inv, last) {
		t.Errorf("unanswered link to %q", href)
	}
	if doc.Find("form[action$='/submit'] button").Length() != 1 || !strings.Contains(doc.Text(), "cannot be changed afterwards") {
		t.Errorf("review has no submit button or warning")
	}

	// An answer over the limit blocks the submission, on the review page.
	b.post(candStepPath(inv, text1), candForm("text", long, "then", "stay"))
	_, body = b.get(candAppPath(inv) + "/review")
	if got := candText(candHTML(t, body), ".error"); !strings.Contains(got, "cannot be sent") || !strings.Contains(got, "has 7 words; the limit is 5") {
		t.Errorf("review error %q", got)
	}
	resp, body = b.post(candAppPath(inv)+"/submit", candForm())
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(candText(doc, ".error[role=alert]"), "the limit is 5") || doc.Find("form[action$='/submit']").Length() != 1 {
		t.Errorf("submit over the limit: %d, error %q", resp.StatusCode, candText(doc, ".error[role=alert]"))
	}

	// Submit: the status page says when and what happens next.
	b.post(candStepPath(inv, text1), candForm("text", "I build calm tools.", "then", "stay"))
	resp, body = b.post(candAppPath(inv)+"/submit", candForm())
	doc = candHTML(t, body)
	if resp.Request.URL.Path != candAppPath(inv)+"/status" || candText(doc, "h1") != "Your answers are in" {
		t.Fatalf("submit: at %s, h1 %q", resp.Request.URL.Path, candText(doc, "h1"))
	}
	if !strings.Contains(doc.Text(), "You will hear back here and by email") || !strings.Contains(candText(doc, ".lead"), "CE") {
		t.Errorf("status page: %q", candText(doc, "section"))
	}

	// Afterwards: steps are read-only, a late save is refused and the
	// welcome page points to the status.
	_, body = b.get(candStepPath(inv, text1))
	doc = candHTML(t, body)
	if doc.Find("form").Length() != 0 || !strings.Contains(candText(doc, ".cand-closed"), "submitted") || candText(doc, ".answer-text") != "I build calm tools." {
		t.Errorf("step after submit is not read-only:\n%s", body)
	}
	resp, body = b.post(candStepPath(inv, text1), candForm("text", "A late change", "then", "stay"))
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(candText(doc, ".error[role=alert]"), "submitted") || doc.Find("textarea#unsaved").Text() != "A late change" {
		t.Errorf("save after submit: %d, error %q", resp.StatusCode, candText(doc, ".error"))
	}
	if ans, _ := f.ts.Svc.Applications.Answers(context.Background(), inv.Application.ID); ans[text1.ID].Text != "I build calm tools." {
		t.Errorf("the late save changed the answer to %q", ans[text1.ID].Text)
	}
	_, body = b.get(candAppPath(inv))
	if href, _ := candHTML(t, body).Find("a.cand-big").Attr("href"); href != candAppPath(inv)+"/status" {
		t.Errorf("welcome after submit links to %q, want the status page", href)
	}
}

func TestCandidateTwoApplicationsSideBySide(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	first := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	second := f.invite(t, f.other, "Ada Lovelace", "ada@example.com")
	b := f.ts.browser(t)
	f.open(t, b, first)
	f.open(t, b, second)
	if len(b.cookie) < 2 {
		t.Fatalf("cookies %v, want one per application", b.cookie)
	}
	b.post(candStepPath(second, f.other.Steps[0]), candForm("text", "A queue is a table.", "then", "stay"))
	_, body := b.get(candAppPath(first))
	if got := candText(candHTML(t, body), "h1"); got != "First interview" {
		t.Errorf("first application shows %q", got)
	}
	_, body = b.get(candAppPath(second))
	doc := candHTML(t, body)
	if got := candText(doc, "h1"); got != "Second interview" || !strings.Contains(candText(doc, ".cand-facts"), "1 of 1") {
		t.Errorf("second application shows %q: %q", got, candText(doc, ".cand-facts"))
	}
	if ans, _ := f.ts.Svc.Applications.Answers(context.Background(), first.Application.ID); len(ans) != 0 {
		t.Errorf("the first application got answers %v", ans)
	}
}

func TestCandidateBadLinks(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	revoked := f.invite(t, f.iv, "Rita", "rita@example.com")
	expired := f.invite(t, f.iv, "Ezra", "ezra@example.com")
	holder := f.ts.browser(t)
	f.open(t, holder, revoked)
	if err := f.ts.Svc.Applications.Revoke(context.Background(), f.owner, revoked.Application.ID); err != nil {
		t.Fatal(err)
	}
	check := func(name string, b *browser, path, wantTitle, wantMessage string) {
		t.Helper()
		resp, body := b.get(path)
		doc := candHTML(t, body)
		if resp.StatusCode == http.StatusOK || resp.StatusCode >= 500 {
			t.Errorf("%s: status %d", name, resp.StatusCode)
		}
		if got := candText(doc, "h1"); got != wantTitle || !strings.Contains(doc.Find("main").Text(), wantMessage) {
			t.Errorf("%s: %q\n%s", name, got, candText(doc, "main"))
		}
	}
	anon := f.ts.browser(t)
	check("unknown", anon, "/c/not-a-real-token", "This link does not work", "check that you copied all of it")
	check("revoked", anon, "/c/"+revoked.Token, "This interview link was withdrawn", "was withdrawn by the team")
	check("revoked, cookie held", holder, candAppPath(revoked), "This interview link was withdrawn", "was withdrawn by the team")
	check("no cookie", anon, candAppPath(expired), "This link does not work", "Open the interview from the link in your invitation email")

	// The team makes a new link while the candidate is typing: the save
	// fails, and the page gives back what they typed.
	replaced := f.invite(t, f.iv, "Remy", "remy@example.com")
	typist := f.ts.browser(t)
	f.open(t, typist, replaced)
	if _, err := f.ts.Svc.Applications.Relink(context.Background(), f.owner, replaced.Application.ID); err != nil {
		t.Fatal(err)
	}
	resp, body := typist.post(candStepPath(replaced, f.iv.Steps[0]), url.Values{"text": {"My careful answer."}, "action": {"stay"}})
	doc := candHTML(t, body)
	if resp.StatusCode != http.StatusGone || candText(doc, "h1") != "This interview link was replaced" {
		t.Errorf("save with a replaced link: %d %q", resp.StatusCode, candText(doc, "h1"))
	}
	if got := doc.Find("textarea#unsaved").Text(); got != "My careful answer." {
		t.Errorf("the typed answer is not given back: %q", got)
	}

	f.ts.Svc.Applications.SetClock(func() time.Time { return expired.Application.LinkExpiresAt().Add(time.Minute) })
	defer f.ts.Svc.Applications.SetClock(time.Now)
	check("expired", anon, "/c/"+expired.Token, "This interview link has expired", "ask the team for a new one")
}

func TestCandidateCannotSeeAnotherApplication(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	mine := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	theirs := f.invite(t, f.iv, "Grace Hopper", "grace@example.com")
	owner := f.ts.browser(t)
	f.open(t, owner, theirs)
	owner.post(candStepPath(theirs, f.iv.Steps[0]), candForm("text", "Grace's secret answer", "then", "stay"))

	b := f.ts.browser(t)
	f.open(t, b, mine)
	// Her own cookie is not sent for another id; a forged cookie name
	// holding her own token does not open another application either.
	forged := f.ts.browser(t)
	forged.cookie[fmt.Sprintf("anyhour_c%d", theirs.Application.ID)] = mine.Token
	for _, path := range []string{candAppPath(theirs), candStepPath(theirs, f.iv.Steps[0]), candAppPath(theirs) + "/review", candAppPath(theirs) + "/status"} {
		for name, br := range map[string]*browser{"own cookie": b, "forged cookie": forged} {
			resp, body := br.get(path)
			if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s, GET %s: status %d, want 404 or 401", name, path, resp.StatusCode)
			}
			if strings.Contains(body, "Grace") {
				t.Errorf("%s, GET %s shows the other candidate's data", name, path)
			}
		}
	}
	resp, _ := forged.post(candStepPath(theirs, f.iv.Steps[0]), candForm("text", "overwritten", "then", "stay"))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("forged POST: status %d, want 404", resp.StatusCode)
	}
	if ans, _ := f.ts.Svc.Applications.Answers(context.Background(), theirs.Application.ID); ans[f.iv.Steps[0].ID].Text != "Grace's secret answer" {
		t.Errorf("the other answer became %q", ans[f.iv.Steps[0].ID].Text)
	}
}

func TestCandidateTimeZone(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	inv := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	b := f.ts.browser(t)
	f.open(t, b, inv)
	_, body := b.get(candAppPath(inv))
	doc := candHTML(t, body)
	if !strings.Contains(candText(doc, ".cand-facts dd"), "UTC") || doc.Find("details.cand-tz[open] select#tz[name=tz] option[value='Europe/Berlin']").Length() != 1 ||
		doc.Find("script[type=module][src^='/static/js/candidate_tz.js']").Length() != 1 {
		t.Errorf("without a zone the welcome page should show UTC, an open zone form and the zone script:\n%s", body)
	}
	zone := func() string {
		a, err := f.ts.Svc.Applications.ByToken(context.Background(), inv.Token)
		if err != nil {
			t.Fatal(err)
		}
		return a.TimeZone
	}

	resp, _ := b.post(candAppPath(inv)+"/timezone", candForm("tz", "Asia/Tokyo", "auto", "1"))
	if resp.StatusCode != http.StatusNoContent || zone() != "Asia/Tokyo" {
		t.Errorf("script post: %d, zone %q", resp.StatusCode, zone())
	}
	resp, body = b.post(candAppPath(inv)+"/timezone", candForm("tz", "Mars/Olympus_Mons"))
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(candText(doc, ".error[role=alert]"), "Mars/Olympus_Mons") {
		t.Errorf("bogus zone: %d, error %q", resp.StatusCode, candText(doc, ".error"))
	}
	if v, _ := doc.Find("select#tz option[selected]").Attr("value"); v != "Asia/Tokyo" || zone() != "Asia/Tokyo" {
		t.Errorf("bogus zone: the picker shows %q, stored %q", v, zone())
	}
	_, body = b.get(candAppPath(inv))
	doc = candHTML(t, body)
	if !strings.Contains(candText(doc, ".cand-facts dd"), "JST (your time)") || doc.Find("script[src*=candidate_tz]").Length() != 0 {
		t.Errorf("with a zone: deadline %q", candText(doc, ".cand-facts dd"))
	}
}

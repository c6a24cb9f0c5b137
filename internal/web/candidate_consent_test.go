package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
)

// consentFixture is the candidate fixture with an interview of a text
// step, a video step and another text step.
func consentFixture(t *testing.T) (*candidateFixture, opening.Interview) {
	t.Helper()
	f := newCandidateFixture(t)
	steps := []opening.Step{
		{Kind: opening.KindText, Title: "About you", Prompt: "Tell us about yourself."},
		{Kind: opening.KindVideo, Title: "Say hello", MaxSeconds: 60, Retakes: 1},
		{Kind: opening.KindText, Title: "Anything else", Prompt: "Anything else?"},
	}
	iv, err := f.ts.Svc.Openings.CreateInterview(context.Background(), f.owner, opening.InterviewInput{JobID: &f.job.ID, Title: candPtr("Video interview"), Steps: &steps})
	if err != nil {
		t.Fatal(err)
	}
	return f, iv
}

// TestVideoStepAsksConsentFirst: before a candidate agreed to be recorded,
// the video step shows what is recorded, who sees it and how long it is
// kept, with a way to agree and a way to skip, and no recorder; agreeing
// records the time and brings the recorder, and the team sees when.
func TestVideoStepAsksConsentFirst(t *testing.T) {
	t.Parallel()
	f, iv := consentFixture(t)
	ctx := context.Background()
	ada := f.invite(t, iv, "Ada Lovelace", "ada@example.com")
	b := f.ts.browser(t)
	f.open(t, b, ada)
	step := candStepPath(ada, iv.Steps[1])

	resp, body := b.get(step)
	doc := candHTML(t, body)
	panel := candText(doc, ".video-consent")
	if resp.StatusCode != http.StatusOK || panel == "" {
		t.Fatalf("no consent panel: %d\n%s", resp.StatusCode, body)
	}
	if doc.Find(".recorder").Length() != 0 {
		t.Error("the recorder is on the page before consent")
	}
	for _, want := range []string{"What is recorded", "camera and microphone", "Who sees it", "Acme Robotics", "Backend engineer",
		"only after you submit", "How long it is kept", "does not delete them"} {
		if !strings.Contains(panel, want) {
			t.Errorf("the consent panel does not say %q: %s", want, panel)
		}
	}
	form := doc.Find(`.video-consent form[method=post][action="` + step + `/consent"]`)
	if agree := form.Find(`button:not([formaction])`); strings.TrimSpace(agree.Text()) != "I agree, turn on my camera" {
		t.Errorf("agree button %q", agree.Text())
	}
	if skip := form.Find(`button[formaction="` + step + `/skip-video"]`); strings.TrimSpace(skip.Text()) != "Skip video questions" {
		t.Errorf("skip button %q", skip.Text())
	}

	// Agreeing from another site is refused.
	req, _ := http.NewRequest("POST", f.ts.URL+step+"/consent", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(&http.Cookie{Name: fmt.Sprintf("anyhour_c%d", ada.Application.ID), Value: ada.Token})
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site consent: %v %v", err, resp.StatusCode)
	}
	if a, _ := f.ts.Svc.Applications.Application(ctx, f.owner, ada.Application.ID); a.VideoConsentAt != nil {
		t.Fatalf("consent recorded from another site at %v", a.VideoConsentAt)
	}

	// The team sees no consent yet.
	team := f.teamLogin(t)
	app := fmt.Sprintf("/applications/%d", ada.Application.ID)
	_, body = team.get(app)
	if strings.Contains(candText(candHTML(t, body), ".facts"), "Video consent") {
		t.Error("the team page shows a consent never given")
	}

	resp, body = b.post(step+"/consent", url.Values{})
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != step {
		t.Fatalf("after agreeing: %d at %s", resp.StatusCode, resp.Request.URL.Path)
	}
	if doc.Find(".video-consent").Length() != 0 || doc.Find(".recorder[data-scope]").Length() != 1 {
		t.Errorf("after agreeing, the panel is there or the recorder is not:\n%s", body)
	}
	if got := candText(doc, ".consent-given"); !strings.Contains(got, "You agreed to be recorded on") {
		t.Errorf("the step does not say when Ada agreed: %q", got)
	}
	a, err := f.ts.Svc.Applications.Application(ctx, f.owner, ada.Application.ID)
	if err != nil || a.VideoConsentAt == nil {
		t.Fatalf("consent not recorded: %v %v", err, a.VideoConsentAt)
	}
	_, body = team.get(app)
	facts := candText(candHTML(t, body), ".facts")
	if want := "Video consent" + a.VideoConsentAt.In(mustZone(t, "America/New_York")).Format("Mon 2 Jan 2006, 15:04 MST"); !strings.Contains(facts, want) {
		t.Errorf("the team page's timeline %q, want %q", facts, want)
	}
}

// TestCandidateWithoutConsentCarriesOn: a candidate who would rather not
// be recorded skips the video questions, is told what they can still do,
// answers a text step, writes to the team and submits, the video step
// unanswered; their recording is refused.
func TestCandidateWithoutConsentCarriesOn(t *testing.T) {
	t.Parallel()
	f, iv := consentFixture(t)
	ctx := context.Background()
	ada := f.invite(t, iv, "Ada Lovelace", "ada@example.com")
	b := f.ts.browser(t)
	f.open(t, b, ada)

	resp, body := b.post(candStepPath(ada, iv.Steps[1])+"/skip-video", url.Values{})
	doc := candHTML(t, body)
	if want := candStepPath(ada, iv.Steps[2]); resp.StatusCode != http.StatusOK || resp.Request.URL.Path != want {
		t.Fatalf("skip leads to %d %s, want the next step %s", resp.StatusCode, resp.Request.URL.Path, want)
	}
	if got := candText(doc, ".flash"); !strings.Contains(got, "still answer the other questions") || !strings.Contains(got, "write to the team") {
		t.Errorf("after skipping the candidate reads %q", got)
	}

	resp, body = b.post(candStepPath(ada, iv.Steps[0]), candForm("text", "I build robots.", "then", "stay"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(candText(candHTML(t, body), ".flash"), "Saved") {
		t.Fatalf("a text answer without consent: %d\n%s", resp.StatusCode, body)
	}
	resp, body = b.post(candAppPath(ada)+"/messages", url.Values{"body": {"Could I answer the video question in writing?"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(candText(candHTML(t, body), ".thread"), "in writing") {
		t.Fatalf("a message without consent: %d\n%s", resp.StatusCode, body)
	}

	// The recording is refused, whoever's page sends it.
	if _, err := f.ts.Svc.Videos.AddTake(ctx, ada.Application, iv.Steps[1].ID, strings.NewReader("x"), "a.webm", "video/webm"); err != application.ErrNoVideoConsent {
		t.Errorf("a take without consent: %v", err)
	}

	resp, body = b.get(candAppPath(ada) + "/review")
	doc = candHTML(t, body)
	if got := candText(doc, ".cand-problems"); !strings.Contains(got, "Say hello") || !strings.Contains(got, "You can still submit") {
		t.Errorf("the review page does not say the video step is unanswered: %q", got)
	}
	resp, body = b.post(candAppPath(ada)+"/submit", nil)
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.Path, "/status") {
		t.Fatalf("submit without consent: %d\n%s", resp.StatusCode, body)
	}
	answers, _ := f.ts.Svc.Applications.Answers(ctx, ada.Application.ID)
	if _, ok := answers[iv.Steps[1].ID]; ok || answers[iv.Steps[0].ID].Text != "I build robots." {
		t.Errorf("submitted answers: %+v", answers)
	}
}

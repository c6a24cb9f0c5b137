package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/webhook"
)

// The hidden candidate's identity, in every form a leak could take.
var blindLeaks = []string{"Zebulon", "Quixote", "zebulon.q", "hidden.example"}

func leaked(body string) string {
	for _, s := range blindLeaks {
		if strings.Contains(strings.ToLower(body), strings.ToLower(s)) {
			return s
		}
	}
	return ""
}

// TestBlindReviewHidesTheCandidate: on a blind job, a reviewer and the
// owner walk every page a link leads to, and the API, and never meet the
// candidate's name or email; search does not find them by name; webhook
// payloads and the team's emails carry the pseudonym; the reveal waits
// for the reviews and the role, and then shows the name to everyone.
func TestBlindReviewHidesTheCandidate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	om := ts.member(t, "olivia@acme.example")
	job, iv := jobWithInterview(t, ts, om, "Engineer", textSteps("Why us", "A hard bug")...)
	if _, err := ts.Svc.Webhooks.Add(ctx, om, "https://hooks.example.com/anyhour", webhook.Events); err != nil {
		t.Fatal(err)
	}
	resp, body := owner.post(fmt.Sprintf("/jobs/%d/blind", job.ID), url.Values{"on": {"1"}})
	teamMust(t, "switch blind review on", resp, body, http.StatusOK)
	if !strings.Contains(body, "The job is reviewed blind: 0 candidates are hidden") {
		t.Errorf("the flash after switching on:\n%s", body)
	}

	// Two candidates: the hidden one answers, writes and is assigned.
	res, err := ts.Svc.Applications.Invite(ctx, om, iv.ID, []application.NewCandidate{
		{Name: "Zebulon Quixote", Email: "zebulon.q@hidden.example"}, {Name: "Amy Other", Email: "amy@other.example"}})
	if err != nil {
		t.Fatal(err)
	}
	zeb, err := ts.Svc.Applications.ByToken(ctx, res.Invitations[0].Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Svc.Applications.SaveAnswer(ctx, zeb, iv.Steps[1].ID, application.AnswerInput{Text: candPtr("The race was in the cache eviction path.")}); err != nil {
		t.Fatal(err)
	}
	if zeb, err = ts.Svc.Applications.Submit(ctx, zeb); err != nil {
		t.Fatal(err)
	}
	amy, err := ts.Svc.Applications.ByToken(ctx, res.Invitations[1].Token)
	if err != nil {
		t.Fatal(err)
	}
	if amy, err = ts.Svc.Applications.Submit(ctx, amy); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Svc.Messages.PostAsCandidate(ctx, zeb, "Thanks, I enjoyed the questions."); err != nil {
		t.Fatal(err)
	}
	rita := addReviewer(t, ts, om, "Rita Reviewer")
	if _, err := ts.Svc.Assignments.Assign(ctx, om, zeb.ID, rita.ID); err != nil {
		t.Fatal(err)
	}
	reviewer := ts.signInAs(t, "rita@acme.example", "a long enough password")

	// The candidate reads their own name.
	cand := ts.browser(t)
	cand.get("/c/" + res.Invitations[0].Token)
	if _, body := cand.get(fmt.Sprintf("/candidate/%d", zeb.ID)); !strings.Contains(body, "Hello Zebulon") || !strings.Contains(body, "its reviewers see you as “Candidate 1”") {
		t.Errorf("the candidate's welcome page does not greet them by name, or does not say they are reviewed blind:\n%s", body)
	}

	// Every page a link leads to, for the reviewer and the owner.
	for who, b := range map[string]*browser{"reviewer": reviewer, "owner": owner} {
		pages := crawl(t, b, []string{"/", "/reviews", "/inbox", fmt.Sprintf("/applications/%d", zeb.ID),
			fmt.Sprintf("/jobs/%d?sort=name", job.ID), "/search?q=cache",
			fmt.Sprintf("/jobs/%d/compare?app=%d&app=%d", job.ID, zeb.ID, amy.ID), fmt.Sprintf("/decide?app=%d&outcome=reject", zeb.ID),
			fmt.Sprintf("/share/new?app=%d", zeb.ID), "/search?q=Zebulon", "/search?q=hidden.example", "/audit"})
		if len(pages) < 10 {
			t.Errorf("%s: only %d pages crawled", who, len(pages))
		}
		for path, body := range pages {
			if q, ok := strings.CutPrefix(path, "/search?q="); ok {
				// The search box shows what was typed.
				body = regexp.MustCompile(`(?i)`+regexp.QuoteMeta(q)).ReplaceAllString(body, "")
			}
			if s := leaked(body); s != "" {
				t.Errorf("%s: %s shows %q", who, path, s)
			}
		}
		if !strings.Contains(pages[fmt.Sprintf("/applications/%d", zeb.ID)], "Candidate 1") {
			t.Errorf("%s: the application page does not call them Candidate 1", who)
		}
		if !strings.Contains(pages["/search?q=cache"], "Candidate 1") {
			t.Errorf("%s: search by answer text does not find Candidate 1", who)
		}
		if strings.Contains(pages["/search?q=Zebulon"], "/applications/") {
			t.Errorf("%s: search finds the hidden candidate by name", who)
		}
		if !strings.Contains(pages[fmt.Sprintf("/applications/%d", zeb.ID)], "is not redacted") {
			t.Errorf("%s: the page does not say what blind review does not hide", who)
		}
	}

	// Webhook payloads and the team's emails.
	rows, err := ts.DB.Query(ctx, `SELECT payload FROM webhook_deliveries`)
	if err != nil {
		t.Fatal(err)
	}
	var payloads int
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		payloads++
		if s := leaked(p); s != "" {
			t.Errorf("a webhook payload shows %q: %s", s, p)
		}
	}
	rows.Close()
	if payloads == 0 {
		t.Error("no webhook payload to check")
	}

	// The reveal: not by a reviewer, not before Rita's review.
	reveal := fmt.Sprintf("/applications/%d/reveal", zeb.ID)
	if resp, _ := reviewer.post(reveal, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer reveals: %d", resp.StatusCode)
	}
	_, body = owner.get(fmt.Sprintf("/applications/%d", zeb.ID))
	if !strings.Contains(body, "Candidate 1 has no review yet") || strings.Contains(body, `action="`+reveal) {
		t.Errorf("before any review, the page offers the reveal or does not say why not:\n%s", body)
	}
	if _, err := ts.Svc.Reviews.Submit(ctx, om, zeb.ID, reviewYes(iv.Steps[0].ID)); err != nil {
		t.Fatal(err)
	}
	_, body = owner.get(fmt.Sprintf("/applications/%d", zeb.ID))
	if !strings.Contains(body, "still to be reviewed by Rita Reviewer") || strings.Contains(body, `action="`+reveal) {
		t.Errorf("before the reviews, the page offers the reveal or does not say why not:\n%s", body)
	}
	if resp, _ := owner.post(reveal, nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("reveal before the reviews: %d", resp.StatusCode)
	}
	if _, err := ts.Svc.Reviews.Submit(ctx, rita, zeb.ID, reviewYes(iv.Steps[0].ID)); err != nil {
		t.Fatal(err)
	}
	_, body = owner.get(fmt.Sprintf("/applications/%d", zeb.ID))
	if !strings.Contains(body, `action="`+reveal) {
		t.Fatalf("once the reviews are in, no reveal button:\n%s", body)
	}
	resp, body = owner.post(reveal, nil)
	teamMust(t, "reveal", resp, body, http.StatusOK)
	if !strings.Contains(body, "Candidate 1 is Zebulon Quixote") {
		t.Errorf("the flash after the reveal:\n%s", body)
	}
	if _, body := reviewer.get(fmt.Sprintf("/applications/%d", zeb.ID)); !strings.Contains(body, "zebulon.q@hidden.example") {
		t.Error("after the reveal the reviewer does not see the email")
	}
	if _, body := reviewer.get("/search?q=Zebulon"); !strings.Contains(body, fmt.Sprintf("/applications/%d", zeb.ID)) {
		t.Error("after the reveal search does not find them by name")
	}
	_, body = owner.get("/audit")
	if !strings.Contains(body, "Candidate 1") || !regexp.MustCompile(`(?i)revealed`).MatchString(body) {
		t.Errorf("the audit log does not keep the reveal:\n%s", body)
	}
}

// TestBlindReviewBadInput: another organisation's job and application,
// and a decision message naming a hidden candidate.
func TestBlindReviewBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	om := ts.member(t, "olivia@acme.example")
	job, iv := jobWithInterview(t, ts, om, "Engineer", textSteps("Why us")...)
	ada := submitted(t, ts, om, iv, "Ada Lovelace", "ada@example.com")
	if _, _, err := ts.Svc.Applications.SetBlind(ctx, om, job.ID, true); err != nil {
		t.Fatal(err)
	}
	other := teamOtherOrg(t, ts)
	if resp, _ := other.post(fmt.Sprintf("/jobs/%d/blind", job.ID), url.Values{"on": {"0"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation switches blind off: %d", resp.StatusCode)
	}
	if resp, _ := other.post(fmt.Sprintf("/applications/%d/reveal", ada.ID), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation reveals: %d", resp.StatusCode)
	}
	// A decision whose message names the hidden candidate.
	resp, body := owner.post("/decide", url.Values{"app": {strconv.FormatInt(ada.ID, 10)}, "outcome": {"reject"},
		"template": {"Hello [first name], thank you."}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "reviewed blind, so a message cannot name them") || leaked(body) != "" || strings.Contains(body, "Ada") {
		t.Errorf("a decision naming a hidden candidate: %d\n%s", resp.StatusCode, body)
	}
}

// crawl reads every page of the site that links lead to from start, as b,
// GET only, and returns each page's body by path.
func crawl(t *testing.T, b *browser, start []string) map[string]string {
	t.Helper()
	href := regexp.MustCompile(`(?:href|src|action|data-src)="(/[^"#]*)`)
	seen := map[string]string{}
	queue := append([]string(nil), start...)
	for len(queue) > 0 && len(seen) < 400 {
		path := queue[0]
		queue = queue[1:]
		if _, ok := seen[path]; ok {
			continue
		}
		resp, body := b.get(path)
		seen[path] = body
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, m := range href.FindAllStringSubmatch(body, -1) {
			p := strings.ReplaceAll(m[1], "&amp;", "&")
			if strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/logout") || strings.HasPrefix(p, "/c/") || strings.HasPrefix(p, "/s/") || strings.HasPrefix(p, "/candidate/") {
				continue
			}
			if _, ok := seen[p]; !ok {
				queue = append(queue, p)
			}
		}
	}
	return seen
}

package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
)

// The page and the API show one application as the domain builds it
// (appview). These tests render the same fixtures through both and check
// that they agree on what drifted before: the take shown, the totals and
// each step's score, and what each role may do; and, for the candidate,
// the status they may know of and whether they may still answer.

// parityWorld is the whole of anyhour (pages and API on one server) with
// an interview of a text, a choice, a video and a code step, and three
// members: the owner, a recruiter and a reviewer, each signed in to the
// pages and holding an API token.
type parityWorld struct {
	app     *app.App
	ts      *testServer
	owner   account.Member
	iv      opening.Interview
	members []parityMember
}

type parityMember struct {
	role  string
	m     account.Member
	pages *browser
	token string
}

func newParityWorld(t *testing.T) *parityWorld {
	t.Helper()
	ctx := context.Background()
	a := apptest.New(t, app.Config{})
	w := &parityWorld{app: a.App, ts: &testServer{Server: a.Server, DB: a.DB, Svc: a.Services}}
	ownerPages := w.ts.signIn(t)
	ownerToken, err := a.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Acme", Email: "olivia@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	if w.owner, err = a.Accounts.TokenMember(ctx, ownerToken); err != nil {
		t.Fatal(err)
	}
	w.members = append(w.members, parityMember{role: "owner", m: w.owner, pages: ownerPages, token: ownerToken})
	for _, role := range []account.Role{account.Recruiter, account.Reviewer} {
		email := string(role) + "@acme.example"
		secret, _, err := a.Accounts.InviteMember(ctx, w.owner, email, role)
		if err != nil {
			t.Fatal(err)
		}
		m, err := a.Accounts.AcceptInvite(ctx, secret, "A "+string(role), teamPassword, account.Client{})
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := a.Accounts.CreateAPIToken(ctx, m, "parity")
		if err != nil {
			t.Fatal(err)
		}
		w.members = append(w.members, parityMember{role: string(role), m: m, pages: w.ts.signInAs(t, email, teamPassword), token: token})
	}
	job, err := a.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: candPtr("Backend engineer")})
	if err != nil {
		t.Fatal(err)
	}
	steps := []opening.Step{
		{Kind: opening.KindText, Title: "About you", Prompt: "What do you enjoy building?", Minutes: 5},
		{Kind: opening.KindChoice, Title: "Go keywords", Prompt: "Which are Go keywords?", Minutes: 2, Multiple: true, Points: 2,
			Options: []opening.Option{{Text: "defer", Correct: true}, {Text: "class"}, {Text: "select", Correct: true}}},
		{Kind: opening.KindVideo, Title: "Introduce yourself", Prompt: "Who are you?", MaxSeconds: 60, Retakes: 2},
		{Kind: opening.KindCode, Title: "Add", Points: 4, Code: &opening.CodeTask{Languages: []opening.Language{opening.Python},
			Tests: map[opening.Language]opening.CodeTests{opening.Python: {
				Visible: "from solution import add\n\ndef test_small():\n    assert add(1, 2) == 3\n"}}}},
		{Kind: opening.KindFile, Title: "Your write-up", Files: &opening.FileRules{Types: []string{"pdf"}, MaxFiles: 2}},
	}
	if w.iv, err = a.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &job.ID,
		Title: candPtr("Screen"), Steps: &steps}); err != nil {
		t.Fatal(err)
	}
	openingtest.Checked(t, a.Openings, w.owner, w.iv)
	return w
}

// invite invites name, who agrees to be recorded.
func (w *parityWorld) invite(t *testing.T, name string) application.Invitation {
	t.Helper()
	ctx := context.Background()
	email := strings.ToLower(strings.Fields(name)[0]) + "@example.com"
	res, err := w.app.Applications.Invite(ctx, w.owner, w.iv.ID, []application.NewCandidate{{Name: name, Email: email}})
	if err != nil || len(res.Invitations) != 1 {
		t.Fatalf("invite %s: %v %+v", name, err, res)
	}
	inv := res.Invitations[0]
	if _, err := w.app.Applications.ConsentToVideo(ctx, inv.Application); err != nil {
		t.Fatal(err)
	}
	return inv
}

// answer gives inv's answers: text, one right option and one wrong, code,
// and takes of the video step (the first chosen as the answer when
// chooseFirst, else the last is).
func (w *parityWorld) answer(t *testing.T, inv application.Invitation, takes int, chooseFirst bool) application.Application {
	t.Helper()
	ctx := context.Background()
	a, err := w.app.Applications.ByToken(ctx, inv.Token)
	if err != nil {
		t.Fatal(err)
	}
	text, choice, vid, code := w.iv.Steps[0], w.iv.Steps[1], w.iv.Steps[2], w.iv.Steps[3]
	for _, in := range []struct {
		step int64
		in   application.AnswerInput
	}{
		{text.ID, application.AnswerInput{Text: candPtr("Queues, mostly.")}},
		{choice.ID, application.AnswerInput{Choices: &[]int64{choice.Options[0].ID, choice.Options[1].ID}}},
		{code.ID, application.AnswerInput{Language: candPtr(string(code.Code.Languages[0])), Code: candPtr("def solve(): pass\n")}},
	} {
		if _, err := w.app.Applications.SaveAnswer(ctx, a, in.step, in.in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.app.Files.Add(ctx, a, w.iv.Steps[4].ID, "write-up.pdf", strings.NewReader("%PDF-1.7 the write-up")); err != nil {
		t.Fatal(err)
	}
	var first int64
	for i := range takes {
		rec, err := w.app.Videos.AddTake(ctx, a, vid.ID, bytes.NewReader([]byte("not yet processed")), "answer.webm", "video/webm")
		if err != nil {
			t.Fatalf("take %d: %v", i+1, err)
		}
		if i == 0 {
			first = rec.ID
		}
	}
	if chooseFirst && takes > 1 {
		if err := w.app.Videos.ChooseTake(ctx, a, vid.ID, first); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// apiGet reads path from the API with token.
func (w *parityWorld) apiGet(t *testing.T, token, path string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.ts.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatal(err)
	}
}

// apiApplication is what the parity test reads of the API's application.
type apiApplication struct {
	Status   string   `json:"status"`
	Score    *float64 `json:"score"`
	MaxScore *float64 `json:"max_score"`
	Answers  []struct {
		StepID   int64    `json:"step_id"`
		Score    *float64 `json:"score"`
		MaxScore *float64 `json:"max_score"`
		Media    *struct {
			ID   int64 `json:"id"`
			Take int   `json:"take"`
		} `json:"media"`
		Files []struct {
			Name string `json:"name"`
		} `json:"files"`
	} `json:"answers"`
	Can map[string]bool `json:"can"`
}

// pageApplication is the same read off the application page.
type pageApplication struct {
	total      string           // "3 / 12 points", empty when no total shows
	stepScores map[int64]string // step id → "1 / 2 points"
	take       string           // "Take 1", empty when no take shows
	files      []string         // the files' names listed
	can        map[string]bool
}

func readPage(t *testing.T, b *browser, appID int64) pageApplication {
	t.Helper()
	resp, body := b.get(fmt.Sprintf("/applications/%d", appID))
	doc := teamMust(t, "application page", resp, body, http.StatusOK)
	p := pageApplication{total: squash(doc.Find(".total-score").Text()), stepScores: map[int64]string{},
		take: squash(doc.Find(".take-line strong").First().Text())}
	doc.Find("[id^=step-]").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		n, err := strconv.ParseInt(strings.TrimPrefix(id, "step-"), 10, 64)
		if err != nil {
			return
		}
		if sc := s.Find(".step-score strong").First(); sc.Length() > 0 {
			p.stepScores[n] = squash(sc.Text())
		}
	})
	doc.Find(".review-files .file-name").Each(func(_ int, s *goquery.Selection) { p.files = append(p.files, squash(s.Text())) })
	has := func(sel string) bool { return doc.Find(sel).Length() > 0 }
	p.can = map[string]bool{
		"rate":    has("#scorecard"),
		"review":  has("form#review-form"),
		"comment": has("form.comment-form"),
		"message": has("#msg-body"),
		"decide":  has(`a[href^="/decide?app="]`),
		"extend":  has(fmt.Sprintf(`form[action^="/applications/%d/extensions"]`, appID)),
		"link":    has("section#link"),
		"reveal":  has(fmt.Sprintf(`form[action^="/applications/%d/reveal"]`, appID)),
	}
	return p
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func points(score, max float64) string {
	word := "points"
	if max == 1 {
		word = "point"
	}
	return fmt.Sprintf("%s / %s %s", num(score), num(max), word)
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// checkParity compares the page and the API for every member.
func (w *parityWorld) checkParity(t *testing.T, what string, appID int64) {
	t.Helper()
	for _, pm := range w.members {
		var api apiApplication
		w.apiGet(t, pm.token, fmt.Sprintf("/api/v1/applications/%d", appID), &api)
		page := readPage(t, pm.pages, appID)
		who := what + ", " + pm.role
		switch {
		case api.Score == nil && page.total != "":
			t.Errorf("%s: the page shows the total %q, the API none", who, page.total)
		case api.Score != nil && page.total != points(*api.Score, *api.MaxScore):
			t.Errorf("%s: the page's total is %q, the API's %s of %s", who, page.total, num(*api.Score), num(*api.MaxScore))
		}
		media := false
		var files []string
		for _, ans := range api.Answers {
			media = media || ans.Media != nil
			for _, f := range ans.Files {
				files = append(files, f.Name)
			}
			if ans.Score != nil {
				if got, want := page.stepScores[ans.StepID], points(*ans.Score, *ans.MaxScore); got != want {
					t.Errorf("%s: step %d scores %q on the page, %q in the API", who, ans.StepID, got, want)
				}
			}
			if ans.Media != nil {
				if want := "Take " + strconv.Itoa(ans.Media.Take); page.take != want {
					t.Errorf("%s: the page shows %q, the API %q", who, page.take, want)
				}
			}
		}
		if strings.Join(files, ",") != strings.Join(page.files, ",") {
			t.Errorf("%s: the page lists the files %q, the API %q", who, page.files, files)
		}
		if !media && page.take != "" {
			t.Errorf("%s: the page shows %q, the API no take", who, page.take)
		}
		if len(api.Can) != len(page.can) {
			t.Errorf("%s: the API says %v of what the member may do, the page shows %v", who, api.Can, page.can)
		}
		for k, v := range page.can {
			if api.Can[k] != v {
				t.Errorf("%s: may %s? the page says %v, the API %v", who, k, v, api.Can[k])
			}
		}
	}
}

func TestPageAndAPIAgreeOnAnApplication(t *testing.T) {
	t.Parallel()
	w := newParityWorld(t)
	ctx := context.Background()

	// In progress: no totals, no answers; reviewers may keep a draft but
	// not review; the team may give more time but not decide.
	inv := w.invite(t, "Ada Lovelace")
	ada := w.answer(t, inv, 2, true)
	w.checkParity(t, "in progress", ada.ID)
	var api apiApplication
	w.apiGet(t, w.members[2].token, fmt.Sprintf("/api/v1/applications/%d", ada.ID), &api)
	if api.Score != nil || len(api.Answers) != 0 || api.Can["review"] || !api.Can["rate"] || api.Can["decide"] || api.Can["message"] {
		t.Errorf("in progress, the reviewer reads %+v", api)
	}

	// Submitted, with the first of two takes chosen: both show take 1,
	// and the totals count the choice step (of 2 points) and the code
	// step not yet graded (0 of its 4).
	if _, err := w.app.Applications.Submit(ctx, ada); err != nil {
		t.Fatal(err)
	}
	w.checkParity(t, "submitted", ada.ID)
	w.apiGet(t, w.members[2].token, fmt.Sprintf("/api/v1/applications/%d", ada.ID), &api)
	if api.Score == nil || *api.MaxScore != 6 || !api.Can["review"] || api.Can["decide"] || len(api.Answers) != 5 || len(api.Answers[4].Files) != 1 {
		t.Errorf("submitted, the reviewer reads %+v", api)
	}
}

// checkCandidate compares the candidate's status page and their API view:
// the status they may know of, and whether they may still answer.
func (w *parityWorld) checkCandidate(t *testing.T, what string, inv application.Invitation, wantStatus string) {
	t.Helper()
	var api struct {
		Application struct {
			Status    string `json:"status"`
			CanAnswer bool   `json:"can_answer"`
		} `json:"application"`
		Answers []json.RawMessage `json:"answers"`
	}
	w.apiGet(t, inv.Token, "/api/v1/candidate", &api)
	b := w.ts.browser(t)
	b.get("/c/" + inv.Token)
	resp, body := b.get(candAppPath(inv) + "/status")
	doc := teamMust(t, what+": status page", resp, body, http.StatusOK)
	class, _ := doc.Find("p.badge").Attr("class")
	pageStatus := ""
	for _, c := range strings.Fields(class) {
		if rest, ok := strings.CutPrefix(c, "status-"); ok {
			pageStatus = rest
		}
		if _, ok := strings.CutPrefix(c, "outcome-"); ok {
			pageStatus = "decided"
		}
	}
	if api.Application.Status != wantStatus || pageStatus != wantStatus {
		t.Errorf("%s: the candidate's status is %q in the API, %q on the page; want %q", what, api.Application.Status, pageStatus, wantStatus)
	}
	resp, body = b.get(candAppPath(inv) + "/review")
	doc = teamMust(t, what+": review page", resp, body, http.StatusOK)
	pageOpen := doc.Find(`form[action$="/submit"]`).Length() > 0
	if pageOpen != api.Application.CanAnswer {
		t.Errorf("%s: may the candidate answer? the page says %v, the API %v", what, pageOpen, api.Application.CanAnswer)
	}
}

func TestPageAndAPIAgreeForTheCandidate(t *testing.T) {
	t.Parallel()
	w := newParityWorld(t)
	ctx := context.Background()
	inv := w.invite(t, "Ada Lovelace")
	ada := w.answer(t, inv, 1, false)
	w.checkCandidate(t, "answering", inv, "started")
	if _, err := w.app.Applications.Submit(ctx, ada); err != nil {
		t.Fatal(err)
	}
	w.checkCandidate(t, "submitted", inv, "submitted")

	// Decided, with the message sent tomorrow: until then the candidate
	// reads "submitted" on the page and in the API alike, and the team's
	// page and API agree that it is decided.
	later := time.Now().Add(24 * time.Hour)
	if _, problems, err := w.app.Decisions.Decide(ctx, w.owner, []int64{ada.ID}, decision.Input{Outcome: decision.Advance,
		Template: decision.Templates[decision.Advance], SendAt: &later}); err != nil || len(problems) > 0 {
		t.Fatalf("decide: %v %+v", err, problems)
	}
	w.checkCandidate(t, "decided, message later", inv, "submitted")
	w.checkParity(t, "decided, message later", ada.ID)

	// Withdrawn: nobody may write to them or send a link any more.
	inv2 := w.invite(t, "Grace Hopper")
	grace := w.answer(t, inv2, 2, false)
	if _, err := w.app.Applications.Withdraw(ctx, grace); err != nil {
		t.Fatal(err)
	}
	w.checkParity(t, "withdrawn", grace.ID)
	w.checkCandidate(t, "withdrawn", inv2, "withdrawn")
}

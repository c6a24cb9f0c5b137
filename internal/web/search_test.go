package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/anyhour/anyhour/internal/application"
)

// searchFixture is the candidate fixture's organisation with Ada, who
// submitted, and Grace, who answered and did not, and the owner signed in.
type searchFixture struct {
	*candidateFixture
	b          *browser
	ada, grace application.Invitation
}

func newSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	ctx := context.Background()
	f := &searchFixture{candidateFixture: newCandidateFixture(t)}
	f.ada = f.invite(t, f.other, "Ada Lovelace", "ada@analytical.example")
	f.grace = f.invite(t, f.other, "Grace Hopper", "grace@cobol.example")
	apps := f.ts.Svc.Applications
	for _, c := range []struct {
		inv  application.Invitation
		text string
	}{{f.ada, "A queue of difference engines"}, {f.grace, "A secret compiler for the queue"}} {
		if _, err := apps.SaveAnswer(ctx, c.inv.Application, f.other.Steps[0].ID, application.AnswerInput{Text: &c.text}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := apps.Submit(ctx, f.ada.Application); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ts.Svc.Messages.Post(ctx, f.owner, f.ada.Application.ID, `Ask about <b>engines</b> & "gears"`, true); err != nil {
		t.Fatal(err)
	}
	f.b = f.ts.browser(t)
	resp, body := f.b.post("/login", url.Values{"email": {"olivia@acme.example"}, "password": {teamPassword}, "next": {"/"}})
	teamMust(t, "sign-in", resp, body, http.StatusOK)
	return f
}

func TestSearchPage(t *testing.T) {
	f := newSearchFixture(t)

	resp, body := f.b.get("/search")
	doc := teamMust(t, "empty search", resp, body, http.StatusOK)
	if doc.Find(`form[role=search] label[for=search-q]`).Length() != 1 || doc.Find("#search-q").Length() != 1 {
		t.Error("no labelled search field in a search form")
	}
	if !strings.Contains(teamText(doc, ".notice"), "Type a name") || doc.Find(".search-results").Length() != 0 {
		t.Errorf("an empty search shows %q", teamText(doc, "main"))
	}
	if doc.Find(`.top-search`).Length() != 0 {
		t.Error("the header's search box is on the search page too")
	}

	resp, body = f.b.get("/search?q=" + url.QueryEscape("engines"))
	doc = teamMust(t, "engines", resp, body, http.StatusOK)
	links := doc.Find(".search-results > li h2 a")
	if links.Length() != 1 || links.AttrOr("href", "") != "/applications/"+strconv.FormatInt(f.ada.Application.ID, 10) || strings.TrimSpace(links.Text()) != "Ada Lovelace" {
		t.Fatalf("results: %q", teamText(doc, ".search-results"))
	}
	if marks := doc.Find(".search-results mark"); marks.Length() != 2 || marks.First().Text() != "engines" || marks.Last().Text() != "engines" {
		t.Errorf("marked %q, want the answer's and the note's word", marks.Text())
	}
	// The note's own markup is text, never HTML.
	if doc.Find(".search-snippet b").Length() != 0 || !strings.Contains(teamText(doc, ".search-snippet"), `<b>engines</b> & "gears"`) {
		t.Errorf("snippets: %q", teamText(doc, ".search-snippet"))
	}

	// Grace's answer is hers until she submits.
	for _, q := range []string{"secret", "compiler", "queue"} {
		resp, body = f.b.get("/search?q=" + q)
		doc = teamMust(t, q, resp, body, http.StatusOK)
		if strings.Contains(body, "Grace") && doc.Find(".search-results").Length() > 0 && strings.Contains(teamText(doc, ".search-results"), "Grace") {
			t.Errorf("%q found Grace's unsubmitted answer: %q", q, teamText(doc, ".search-results"))
		}
	}
	// Her name is found.
	resp, body = f.b.get("/search?q=hopper")
	doc = teamMust(t, "hopper", resp, body, http.StatusOK)
	if teamText(doc, ".search-results h2") != "Grace Hopper" {
		t.Errorf("hopper: %q", teamText(doc, "main"))
	}

	// Filters.
	resp, body = f.b.get("/search?q=example&status=submitted")
	doc = teamMust(t, "filtered", resp, body, http.StatusOK)
	if teamText(doc, ".search-results h2") != "Ada Lovelace" {
		t.Errorf("filtered by status: %q", teamText(doc, ".search-results h2"))
	}
	if doc.Find(`#search-status option[value=submitted][selected]`).Length() != 1 {
		t.Error("the status filter is not kept in the form")
	}
	resp, body = f.b.get("/search?q=example&from=not-a-date")
	teamMust(t, "bad date", resp, body, http.StatusBadRequest)
}

func TestSearchPageBadInput(t *testing.T) {
	f := newSearchFixture(t)
	for _, q := range []string{`"`, `*`, `NEAR`, `-`, `ada OR 1=1`, `'; DROP TABLE search_docs; --`, `<script>alert(1)</script>`} {
		resp, body := f.b.get("/search?q=" + url.QueryEscape(q))
		doc := teamMust(t, q, resp, body, http.StatusOK)
		if doc.Find("script").FilterFunction(func(_ int, s *goquery.Selection) bool { return strings.Contains(s.Text(), "alert(1)") }).Length() != 0 {
			t.Errorf("%q: the query became a script", q)
		}
	}
	resp, body := f.b.get("/search?q=" + url.QueryEscape(strings.Repeat("ada ", 2560)))
	doc := teamMust(t, "10 KB query", resp, body, http.StatusBadRequest)
	if !strings.Contains(teamText(doc, ".error"), "at most 200 characters") {
		t.Errorf("a 10 KB query says %q", teamText(doc, "main"))
	}
	// Another organisation finds nothing of Acme's.
	rival := teamOtherOrg(t, f.ts)
	resp, body = rival.get("/search?q=ada")
	doc = teamMust(t, "rival", resp, body, http.StatusOK)
	if doc.Find(".search-results").Length() != 0 || strings.Contains(body, "Lovelace") {
		t.Errorf("another organisation found %q", teamText(doc, ".search-results"))
	}
}

package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"

	"github.com/PuerkitoBio/goquery"

	"github.com/anyhour/anyhour/internal/account"
)

// teamDoc parses a page for CSS-selector checks.
func teamDoc(t *testing.T, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// teamText is the trimmed text of what sel matches.
func teamText(doc *goquery.Document, sel string) string {
	return strings.Join(strings.Fields(doc.Find(sel).Text()), " ")
}

// teamMust fails unless the response has status want.
func teamMust(t *testing.T, what string, resp *http.Response, body string, want int) *goquery.Document {
	t.Helper()
	if resp.StatusCode != want {
		doc := teamDoc(t, body)
		t.Fatalf("%s: status %d, want %d; page says %q %q", what, resp.StatusCode, want, teamText(doc, "h1"), teamText(doc, ".error, main p"))
	}
	return teamDoc(t, body)
}

// teamLastID is the number at the end of a path such as /jobs/12.
func teamLastID(t *testing.T, path string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(path[strings.LastIndexByte(path, '/')+1:], 10, 64)
	if err != nil {
		t.Fatalf("no id at the end of %q", path)
	}
	return id
}

// postFile posts a multipart form with one file, as a browser does for
// the invite form.
func (b *browser) postFile(path string, fields url.Values, field, filename string, content []byte) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile(field, filename)
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, b.base+path, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range b.cookie {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookie, c.Name)
		} else {
			b.cookie[c.Name] = c.Value
		}
	}
	if resp.StatusCode/100 == 3 {
		loc, _ := resp.Location()
		return b.get(loc.RequestURI())
	}
	return resp, string(data)
}

// teamOtherOrg makes a second organisation with its owner and returns a
// browser signed in as that owner through the sign-in form.
func teamOtherOrg(t *testing.T, ts *testServer) *browser {
	t.Helper()
	_, err := ts.Svc.Accounts.Bootstrap(context.Background(), account.NewOrg{OrgName: "Rival", TimeZone: "UTC",
		Name: "Rex Rival", Email: "rex@rival.example", Password: "another long password"})
	if err != nil {
		t.Fatal(err)
	}
	b := ts.browser(t)
	resp, body := b.post("/login", url.Values{"email": {"rex@rival.example"}, "password": {"another long password"}, "next": {"/"}})
	teamMust(t, "rival sign-in", resp, body, http.StatusOK)
	return b
}

// teamSignInPage signs the owner in on page p of the server at base.
func teamSignInPage(p *browsertest.Page, base string) {
	p.Navigate(base + "/login")
	p.SetValue("#email", "olivia@acme.example")
	p.SetValue("#password", teamPassword)
	p.Submit("#password")
}

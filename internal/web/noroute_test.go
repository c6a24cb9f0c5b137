package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestUnknownAddresses: an address no page has, a method an address does
// not take, and a static file that does not exist are answered with the
// site's error page, not the mux's plain text, and a static directory is
// never listed.
func TestUnknownAddresses(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	team := ts.signIn(t)
	for _, c := range []struct {
		method, path string
		status       int
		h1, allow    string
	}{
		{"GET", "/no-such-page", http.StatusNotFound, "Not found", ""},
		{"GET", "/jobs/1/no-such-tab", http.StatusNotFound, "Not found", ""},
		{"PUT", "/login", http.StatusMethodNotAllowed, "Not here", "GET, POST, HEAD"},
		{"DELETE", "/", http.StatusMethodNotAllowed, "Not here", "GET, HEAD"},
		{"GET", "/static/no-such-file.js", http.StatusNotFound, "Not found", ""},
		{"GET", "/static/js/", http.StatusNotFound, "Not found", ""},
		{"GET", "/static/", http.StatusNotFound, "Not found", ""},
	} {
		resp, body := team.do(c.method, c.path, nil)
		doc := teamDoc(t, body)
		if resp.StatusCode != c.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || teamText(doc, "h1") != c.h1 {
			t.Errorf("%s %s: %d %s, h1 %q; want %d and the error page's %q", c.method, c.path, resp.StatusCode, resp.Header.Get("Content-Type"), teamText(doc, "h1"), c.status, c.h1)
		}
		if got := resp.Header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
		if strings.Contains(body, ".js</a>") || strings.Contains(body, "page not found") {
			t.Errorf("%s %s answers with a listing or the mux's text:\n%s", c.method, c.path, body)
		}
	}
	// A member keeps the header and a way back; someone signed out gets
	// neither.
	_, body := team.get("/no-such-page")
	if doc := teamDoc(t, body); doc.Find(`a[href="/"]:contains("Back to your jobs")`).Length() != 1 || doc.Find("header nav").Length() == 0 {
		t.Errorf("a member's error page lacks the header or the way back:\n%s", body)
	}
	_, body = ts.browser(t).get("/no-such-page")
	if strings.Contains(body, "Back to your jobs") || strings.Contains(body, "Sign out") {
		t.Errorf("a signed-out visitor's error page offers a member's links:\n%s", body)
	}
	// The files themselves are still served.
	resp, _ := team.get("/static/favicon.svg")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("a static file: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

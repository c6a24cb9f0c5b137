package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/domain/domaintest"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
	"github.com/anyhour/anyhour/internal/web"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

// testServer is the real page server over a fresh database.
type testServer struct {
	*httptest.Server
	DB  *sqldb.DB
	Svc web.Services
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	db := sqldbtest.Open(t)
	svc := domaintest.New(t, db)
	// Errors go to stderr, which go test shows when the package fails.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	mux := http.NewServeMux()
	ts := &testServer{DB: db, Svc: svc}
	ts.Server = httptest.NewUnstartedServer(nil)
	ts.Server.Start()
	pages := web.New(svc, web.Config{BaseURL: ts.URL}, logger)
	pages.Register(mux)
	ts.Server.Config.Handler = httpx.Chain(mux, httpx.Log(logger), httpx.SecurityHeaders, httpx.CrossOriginPages(pages.CrossSiteRefused()))
	t.Cleanup(ts.Close)
	return ts
}

// browser is an HTTP client that keeps cookies the way a browser on this
// origin would (Secure cookies included: browsers treat 127.0.0.1 as a
// secure context) and sends same-origin headers on forms.
type browser struct {
	t      *testing.T
	base   string
	c      *http.Client
	cookie map[string]string
}

func (ts *testServer) browser(t *testing.T) *browser {
	b := &browser{t: t, base: ts.URL, cookie: map[string]string{}}
	b.c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return b
}

// do sends a request and follows redirects, returning the last response
// with its body read.
func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	for i := 0; i < 10; i++ {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequestWithContext(context.Background(), method, b.base+path, body)
		if err != nil {
			b.t.Fatal(err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", b.base)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
		for k, v := range b.cookie {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		resp, err := b.c.Do(req)
		if err != nil {
			b.t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, c := range resp.Cookies() {
			if c.MaxAge < 0 || c.Value == "" {
				delete(b.cookie, c.Name)
			} else {
				b.cookie[c.Name] = c.Value
			}
		}
		if resp.StatusCode/100 != 3 {
			return resp, string(data)
		}
		loc, _ := resp.Location()
		path, method, form = loc.RequestURI(), http.MethodGet, nil
	}
	b.t.Fatalf("too many redirects from %s", path)
	return nil, ""
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	return b.do(http.MethodGet, path, nil)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	return b.do(http.MethodPost, path, form)
}

// crossSitePost sends an empty form to path with b's cookies, as a form
// on another site would, and returns the status it got.
func (b *browser) crossSitePost(path string) int {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	for k, v := range b.cookie {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// signIn creates the organisation through the first-run page and returns
// a browser signed in as its owner.
func (ts *testServer) signIn(t *testing.T) *browser {
	t.Helper()
	b := ts.browser(t)
	resp, body := b.post("/setup", url.Values{"org": {"Acme"}, "name": {"Olivia Owner"}, "email": {"olivia@acme.example"},
		"password": {"correct horse battery"}, "tz": {"Europe/Berlin"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Jobs") {
		t.Fatalf("setup: status %d\n%s", resp.StatusCode, body)
	}
	return b
}

func TestSetupLoginLogout(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	anon := ts.browser(t)
	if resp, _ := anon.get("/"); resp.Request.URL.Path != "/setup" {
		t.Errorf("before setup, / lands on %s, want /setup", resp.Request.URL.Path)
	}
	owner := ts.signIn(t)
	if resp, body := owner.get("/"); resp.StatusCode != 200 || !strings.Contains(body, "No jobs yet") {
		t.Errorf("dashboard: %d\n%s", resp.StatusCode, body)
	}
	// Setup cannot run twice.
	if resp, body := anon.post("/setup", url.Values{"org": {"Evil"}, "name": {"E"}, "email": {"e@evil.example"},
		"password": {"0123456789ab"}, "tz": {"UTC"}}); resp.StatusCode == 200 || strings.Contains(body, "Evil") && !strings.Contains(body, "already") {
		t.Errorf("second setup: status %d", resp.StatusCode)
	}
	owner.post("/logout", url.Values{})
	if resp, _ := owner.get("/"); resp.Request.URL.Path != "/login" {
		t.Errorf("after logout, / lands on %s, want /login", resp.Request.URL.Path)
	}
	if resp, _ := anon.post("/login", url.Values{"email": {"olivia@acme.example"}, "password": {"wrong password"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d, want 401", resp.StatusCode)
	}
	if resp, body := anon.post("/login", url.Values{"email": {"olivia@acme.example"}, "password": {"correct horse battery"}, "next": {"/"}}); resp.StatusCode != 200 || !strings.Contains(body, "Jobs") {
		t.Errorf("sign in: status %d", resp.StatusCode)
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ts.signIn(t)
	b := ts.browser(t)
	var last int
	for i := 0; i < 12; i++ {
		resp, _ := b.post("/login", url.Values{"email": {"olivia@acme.example"}, "password": {"guess " + string(rune('a'+i))}})
		last = resp.StatusCode
	}
	resp, body := b.post("/login", url.Values{"email": {"olivia@acme.example"}, "password": {"correct horse battery"}})
	if resp.StatusCode == 200 || !strings.Contains(strings.ToLower(body), "too many") {
		t.Errorf("after 12 failures the right password still signs in (last failure %d, now %d)", last, resp.StatusCode)
	}
}

func TestCrossSiteFormPostIsRejected(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/logout", strings.NewReader(""))
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(&http.Cookie{Name: "anyhour_session", Value: owner.cookie["anyhour_session"]})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: status %d, want 403", resp.StatusCode)
	}
	// The person whose browser sent it reads why, on the site's own page.
	if doc := teamDoc(t, string(body)); teamText(doc, "h1") != "Not allowed" || !strings.Contains(teamText(doc, "main p"), "sent from another site") {
		t.Errorf("the refusal's page: %q %q", teamText(doc, "h1"), teamText(doc, "main p"))
	}
	if r, _ := owner.get("/"); r.Request.URL.Path != "/" {
		t.Errorf("the cross-site logout took effect")
	}
}

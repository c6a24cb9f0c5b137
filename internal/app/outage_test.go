package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
	"github.com/anyhour/anyhour/internal/testproc"
)

// TestDatabaseOutage: PostgreSQL is cut off (every connection dropped and
// new ones refused, as a restart or a network fault does). The API and
// the pages answer 503 with Retry-After, the API in its JSON error shape,
// and neither says where the database is; once it is back, the same
// process serves again without a restart.
func TestDatabaseOutage(t *testing.T) {
	if sqldbtest.Dialect() != sqldb.Postgres {
		t.Skip("the database is SQLite, a file with no server to lose; the PostgreSQL run of the suite takes this test")
	}
	t.Parallel()
	ctx := context.Background()
	_, direct := sqldbtest.OpenURL(t)
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testproc.NewProxy(t, u.Host)
	u.Host = proxy.Addr
	db, err := sqldb.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	a, err := app.New(app.Config{DataDir: t.TempDir(), BaseURL: srv.URL, Workers: 1}, slog.New(slog.DiscardHandler), db)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = a.Handler()
	token, err := a.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Acme", Email: "olivia@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if strings.HasPrefix(path, "/api/") {
			req.Header.Set("Authorization", "Bearer "+token)
		} else {
			req.AddCookie(&http.Cookie{Name: "anyhour_session", Value: "whatever"})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	if resp, body := get("/api/v1/jobs"); resp.StatusCode != http.StatusOK {
		t.Fatalf("before the outage: %d %s", resp.StatusCode, body)
	}

	proxy.Cut()
	start := time.Now()
	for _, path := range []string{"/api/v1/jobs", "/api/v1/me", "/"} {
		resp, body := get(path)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s during the outage: %d, Retry-After %q\n%s", path, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
		for _, leak := range []string{proxy.Addr, u.Hostname() + ":", "dial", "pgconn", "connect:"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s during the outage says %q:\n%s", path, leak, body)
			}
		}
		if strings.HasPrefix(path, "/api/") {
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != "unavailable" || !strings.Contains(e.Error.Message, "try again") {
				t.Errorf("%s during the outage: %v %s", path, err, body)
			}
		} else if !strings.Contains(body, "Back in a moment") {
			t.Errorf("the page during the outage:\n%s", body)
		}
	}

	t.Logf("three requests during the outage took %v", time.Since(start))
	proxy.Restore()
	start = time.Now()
	defer func() { t.Logf("back after %v", time.Since(start)) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, body := get("/api/v1/jobs")
		if resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the outage: %d %s", resp.StatusCode, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

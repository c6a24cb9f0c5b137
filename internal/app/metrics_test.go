package app_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
	"github.com/anyhour/anyhour/internal/testproc"
)

// metricsToken reads /metrics in these tests.
const metricsToken = "test-metrics-token-0123456789"

// sample is one line of Prometheus' text format.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// exposition is what one scrape returned.
type exposition struct {
	raw      string
	samples  []sample
	families map[string]string // name → type, from the # TYPE lines
}

// scrape reads the metrics at url with the token, failing the test on
// anything but 200. The client gives up after 30 seconds, far beyond the
// database timeout: a scrape must never hang on the database.
func scrape(t *testing.T, url string) exposition {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: %d %s", url, resp.StatusCode, body)
	}
	return parseExposition(t, string(body))
}

func parseExposition(t *testing.T, text string) exposition {
	t.Helper()
	e := exposition{raw: text, families: map[string]string{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(rest, " ")
			e.families[name] = typ
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s, err := parseSample(line)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		e.samples = append(e.samples, s)
	}
	return e
}

// parseSample reads `name{a="b",c="d"} value`.
func parseSample(line string) (sample, error) {
	s := sample{labels: map[string]string{}}
	i := strings.IndexAny(line, "{ ")
	if i < 0 {
		return s, fmt.Errorf("no value")
	}
	s.name, line = line[:i], line[i:]
	if line[0] == '{' {
		line = line[1:]
		for line[0] != '}' {
			key, rest, ok := strings.Cut(line, `="`)
			if !ok {
				return s, fmt.Errorf("bad label")
			}
			var val strings.Builder
			j := 0
			for ; j < len(rest) && rest[j] != '"'; j++ {
				if rest[j] == '\\' && j+1 < len(rest) {
					j++
					if rest[j] == 'n' {
						val.WriteByte('\n')
						continue
					}
				}
				val.WriteByte(rest[j])
			}
			if j == len(rest) {
				return s, fmt.Errorf("unterminated label value")
			}
			s.labels[strings.TrimPrefix(key, ",")] = val.String()
			line = strings.TrimPrefix(rest[j+1:], ",")
			if line == "" {
				return s, fmt.Errorf("unterminated labels")
			}
		}
		line = line[1:]
	}
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return s, fmt.Errorf("no value")
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	s.value = v
	return s, err
}

// find returns the samples of name whose labels include every pair given.
func (e exposition) find(name string, labels ...string) []sample {
	var out []sample
	for _, s := range e.samples {
		if s.name != name {
			continue
		}
		ok := true
		for i := 0; i+1 < len(labels); i += 2 {
			if s.labels[labels[i]] != labels[i+1] {
				ok = false
			}
		}
		if ok {
			out = append(out, s)
		}
	}
	return out
}

// value is the one sample of name with labels, or fails the test.
func (e exposition) value(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	got := e.find(name, labels...)
	if len(got) != 1 {
		t.Fatalf("%d samples of %s%v, want 1; the metrics:\n%s", len(got), name, labels, grepLines(e.raw, name))
	}
	return got[0].value
}

func grepLines(text, substr string) string {
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, substr) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// TestMetricsTimeRequestsByRoute: requests for a job by id and a candidate
// link are timed under their route patterns, with method and status
// class; neither the id nor the token appears anywhere in the metrics.
func TestMetricsTimeRequestsByRoute(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := apptest.New(t, app.Config{MetricsToken: metricsToken})
	apiToken, err := a.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Acme", Email: "o@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := a.Accounts.TokenMember(ctx, apiToken)
	if err != nil {
		t.Fatal(err)
	}
	job, err := a.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Engineer")})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, a.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+apiToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	jobPath := fmt.Sprintf("/api/v1/jobs/%d", job.ID)
	for range 3 {
		if status := get(jobPath); status != http.StatusOK {
			t.Fatalf("GET %s: %d", jobPath, status)
		}
	}
	const fakeToken = "NotARealTokenButShapedLikeOne0123456789abcd"
	get("/c/" + fakeToken)
	get("/no/such/page/" + fakeToken)
	get("/api/v1/no/such/route/" + fakeToken)

	m := scrape(t, a.URL+"/metrics")
	if n := m.value(t, "anyhour_http_request_duration_seconds_count", "route", "/api/v1/jobs/{id}", "method", "GET", "status", "2xx"); n != 3 {
		t.Errorf("%v requests timed for /api/v1/jobs/{id}, want 3", n)
	}
	if got := m.find("anyhour_http_request_duration_seconds_count", "route", "/c/{token}"); len(got) != 1 {
		t.Errorf("the candidate link's route: %v", got)
	}
	if got := m.find("anyhour_http_request_duration_seconds_count", "route", "unmatched", "status", "4xx"); len(got) != 1 {
		t.Errorf("the unknown page's route: %v", got)
	}
	for _, fallback := range []string{"/", "/api/v1/"} {
		if got := m.find("anyhour_http_request_duration_seconds_count", "route", fallback); len(got) != 0 {
			t.Errorf("requests no route took are counted under the fallback's pattern %q: %v", fallback, got)
		}
	}
	for _, leak := range []string{fakeToken, jobPath, apiToken} {
		if strings.Contains(m.raw, leak) {
			t.Errorf("the metrics hold %q:\n%s", leak, grepLines(m.raw, leak))
		}
	}
	for _, s := range m.find("anyhour_http_request_duration_seconds_count") {
		if r := s.labels["route"]; r != "unmatched" && !strings.HasPrefix(r, "/") {
			t.Errorf("route label %q", r)
		}
	}
}

// TestMetricsShowTheQueue: tasks enqueued show as ready or scheduled by
// kind, with the age of the oldest ready one, read from the database at
// each scrape.
func TestMetricsShowTheQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := apptest.New(t, app.Config{MetricsToken: metricsToken})
	const kind = "metrics.test"
	m := scrape(t, a.URL+"/metrics")
	if got := m.find("anyhour_queue_tasks", "kind", kind); len(got) != 0 {
		t.Fatalf("before any task: %v", got)
	}
	if m.value(t, "anyhour_database_up") != 1 {
		t.Error("anyhour_database_up is not 1")
	}
	// A kind the workers handle, with nothing to do, reads 0, not "no
	// data": webhook deliveries, in a world without webhooks.
	for _, state := range []string{"ready", "scheduled", "running"} {
		if n := m.value(t, "anyhour_queue_tasks", "kind", "webhook.deliver", "state", state); n != 0 {
			t.Errorf("idle webhook deliveries, %s: %v", state, n)
		}
	}
	if age := m.value(t, "anyhour_queue_oldest_ready_age_seconds", "kind", "webhook.deliver"); age != 0 {
		t.Errorf("idle webhook deliveries' oldest ready age: %v", age)
	}
	var ids []int64
	for range 2 {
		id, err := queue.Enqueue(ctx, a.DB, kind, map[string]int{"n": 1})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if _, err := queue.Enqueue(ctx, a.DB, kind, map[string]int{"n": 2}, queue.Delay(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// The first has waited an hour, as if every worker were busy.
	if _, err := a.DB.Exec(ctx, `UPDATE tasks SET run_at = $1 WHERE id = $2`, time.Now().Add(-time.Hour), ids[0]); err != nil {
		t.Fatal(err)
	}
	m = scrape(t, a.URL+"/metrics")
	if n := m.value(t, "anyhour_queue_tasks", "kind", kind, "state", "ready"); n != 2 {
		t.Errorf("%v ready, want 2", n)
	}
	if n := m.value(t, "anyhour_queue_tasks", "kind", kind, "state", "scheduled"); n != 1 {
		t.Errorf("%v scheduled, want 1", n)
	}
	if n := m.value(t, "anyhour_queue_tasks", "kind", kind, "state", "running"); n != 0 {
		t.Errorf("%v running, want 0", n)
	}
	if age := m.value(t, "anyhour_queue_oldest_ready_age_seconds", "kind", kind); age < 3600 || age > 2*3600 {
		t.Errorf("the oldest ready task's age is %vs, want an hour", age)
	}
}

// TestMetricsCountAnUnknownEmail: an invitation whose worker died while
// sending it (it stays "sending") is found by the next worker, which
// marks it unknown and never sends it again; the outbox gauge counts it.
func TestMetricsCountAnUnknownEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := apptest.New(t, app.Config{MetricsToken: metricsToken})
	_, owner, err := a.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Name: "Olivia", Email: "o@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	job, _ := a.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Engineer")})
	iv, err := a.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Screen"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "A", Minutes: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"}}); err != nil {
		t.Fatal(err)
	}
	m := scrape(t, a.URL+"/metrics")
	if n := m.value(t, "anyhour_outbox_emails", "state", "unknown"); n != 0 {
		t.Fatalf("%v unknown emails before", n)
	}
	queued := m.value(t, "anyhour_outbox_emails", "state", "queued")
	if queued == 0 {
		t.Fatal("the invitation is not queued")
	}
	// What a worker leaves when it dies in the middle of the SMTP talk.
	res, err := a.DB.Exec(ctx, `UPDATE emails SET status = 'sending' WHERE kind = 'invitation'`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%d invitations", n)
	}
	a.Work(t)
	m = scrape(t, a.URL+"/metrics")
	if n := m.value(t, "anyhour_outbox_emails", "state", "unknown"); n != 1 {
		t.Errorf("%v unknown emails, want 1", n)
	}
	if n := m.value(t, "anyhour_outbox_emails", "state", "queued"); n != queued-1 {
		t.Errorf("%v queued emails, want %v", n, queued-1)
	}
	for _, st := range []string{"sending", "failed"} {
		if n := m.value(t, "anyhour_outbox_emails", "state", st); n != 0 {
			t.Errorf("%v %s emails", n, st)
		}
	}
}

// TestMetricsCountUploadBytes: a PATCH of a file answer through tus adds
// its bytes to anyhour_upload_received_bytes_total.
func TestMetricsCountUploadBytes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := apptest.New(t, app.Config{MetricsToken: metricsToken})
	_, owner, err := a.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Name: "Olivia", Email: "o@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	job, _ := a.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Designer")})
	iv, err := a.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Write-up"), Steps: &[]opening.Step{
		{Kind: opening.KindFile, Title: "Your write-up", Files: &opening.FileRules{Types: []string{"pdf"}, MaxFiles: 1, MaxMB: 1}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	token := res.Invitations[0].Token
	before := scrape(t, a.URL+"/metrics").value(t, "anyhour_upload_received_bytes_total")

	data := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 200_000)...)
	tus := func(method, url string, header map[string]string, body []byte) *http.Response {
		t.Helper()
		if !strings.HasPrefix(url, "http") {
			url = a.URL + url
		}
		req, _ := http.NewRequest(method, url, bytes.NewReader(body))
		req.Header.Set("Tus-Resumable", "1.0.0")
		req.Header.Set("Authorization", "Bearer "+token)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	resp := tus("POST", "/api/v1/uploads/", map[string]string{
		"Upload-Length":   strconv.Itoa(len(data)),
		"Upload-Metadata": tusMetadata("purpose", "file", "step_id", strconv.FormatInt(iv.Steps[0].ID, 10), "filename", "cv.pdf"),
	}, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	resp = tus("PATCH", resp.Header.Get("Location"), map[string]string{"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}, data)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("patch: %d", resp.StatusCode)
	}
	m := scrape(t, a.URL+"/metrics")
	if got := m.value(t, "anyhour_upload_received_bytes_total") - before; got != float64(len(data)) {
		t.Errorf("upload bytes grew by %v, want %d", got, len(data))
	}
	if m.value(t, "anyhour_uploads_finished_total") != 1 {
		t.Error("the finished upload is not counted")
	}
	if n := m.value(t, "anyhour_http_request_duration_seconds_count", "route", "/api/v1/uploads/", "method", "PATCH", "status", "2xx"); n != 1 {
		t.Errorf("%v PATCHes timed, want 1", n)
	}
}

func tusMetadata(kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, kv[i]+" "+base64Std(kv[i+1]))
	}
	return strings.Join(parts, ",")
}

// TestMetricsAreNotForEveryone: without ANYHOUR_METRICS_TOKEN the main
// listener has no /metrics at all, from anywhere, loopback included (a
// reverse proxy on the same machine makes every visitor loopback); with
// it, only the bearer token reads them: not a token in the query string,
// not a wrong one. A metrics listener beyond loopback without a token,
// or a short token, stops the app from starting.
func TestMetricsAreNotForEveryone(t *testing.T) {
	t.Parallel()
	open := apptest.New(t, app.Config{})
	guarded := apptest.New(t, app.Config{MetricsToken: metricsToken})
	request := func(h http.Handler, remote, target string, header map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.RemoteAddr = remote
		for k, v := range header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	const internet, local = "203.0.113.7:40000", "127.0.0.1:40000"
	cases := []struct {
		name   string
		h      http.Handler
		remote string
		target string
		header map[string]string
		want   int
	}{
		{"no token set, from the internet", open.Handler(), internet, "/metrics", nil, http.StatusNotFound},
		{"no token set, from loopback", open.Handler(), local, "/metrics", nil, http.StatusNotFound},
		{"no token set, from a proxy on loopback", open.Handler(), local, "/metrics", map[string]string{"X-Forwarded-For": "203.0.113.7"}, http.StatusNotFound},
		{"no token set, a bearer sent anyway", open.Handler(), internet, "/metrics", map[string]string{"Authorization": "Bearer " + metricsToken}, http.StatusNotFound},
		{"token set, none sent", guarded.Handler(), internet, "/metrics", nil, http.StatusUnauthorized},
		{"token set, none sent from loopback", guarded.Handler(), local, "/metrics", nil, http.StatusUnauthorized},
		{"token set, a wrong one", guarded.Handler(), internet, "/metrics", map[string]string{"Authorization": "Bearer " + metricsToken + "x"}, http.StatusUnauthorized},
		{"token set, a prefix of it", guarded.Handler(), internet, "/metrics", map[string]string{"Authorization": "Bearer " + metricsToken[:10]}, http.StatusUnauthorized},
		{"token set, in the query string", guarded.Handler(), internet, "/metrics?token=" + metricsToken, nil, http.StatusUnauthorized},
		{"token set, as basic auth", guarded.Handler(), internet, "/metrics", map[string]string{"Authorization": "Basic " + base64Std("prometheus:"+metricsToken)}, http.StatusUnauthorized},
		{"token set, the right one", guarded.Handler(), internet, "/metrics", map[string]string{"Authorization": "Bearer " + metricsToken}, http.StatusOK},
		{"metrics listener, token set, none sent", guarded.MetricsHandler(), local, "/metrics", nil, http.StatusUnauthorized},
		{"metrics listener, token set, the right one", guarded.MetricsHandler(), local, "/metrics", map[string]string{"Authorization": "Bearer " + metricsToken}, http.StatusOK},
		{"metrics listener on loopback, no token set", open.MetricsHandler(), local, "/metrics", nil, http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := request(c.h, c.remote, c.target, c.header)
			body := rec.Body.String()
			if rec.Code != c.want {
				t.Fatalf("%d, want %d\n%.300s", rec.Code, c.want, body)
			}
			if c.want != http.StatusOK && strings.Contains(body, "anyhour_") {
				t.Errorf("a refusal carries metrics:\n%.300s", body)
			}
			if c.want == http.StatusOK && !strings.Contains(body, "anyhour_http_request_duration_seconds") {
				t.Errorf("no metrics:\n%.300s", body)
			}
			if c.want == http.StatusUnauthorized && (rec.Header().Get("WWW-Authenticate") == "" || !strings.Contains(body, `"code":"unauthenticated"`)) {
				t.Errorf("401 without WWW-Authenticate or the JSON error shape: %q %s", rec.Header().Get("WWW-Authenticate"), body)
			}
		})
	}

	for _, c := range []struct {
		cfg  app.Config
		says string // "" for no error
	}{
		{app.Config{MetricsListen: "0.0.0.0:9464"}, "ANYHOUR_METRICS_TOKEN"},
		{app.Config{MetricsListen: ":9464"}, "ANYHOUR_METRICS_TOKEN"},
		{app.Config{MetricsListen: "192.0.2.10:9464"}, "ANYHOUR_METRICS_TOKEN"},
		{app.Config{MetricsToken: "short"}, "shorter than 16"},
		{app.Config{MetricsListen: "127.0.0.1:9464"}, ""},
		{app.Config{MetricsListen: "[::1]:9464"}, ""},
		{app.Config{MetricsListen: "0.0.0.0:9464", MetricsToken: metricsToken}, ""},
	} {
		c.cfg.DataDir = t.TempDir()
		_, err := app.New(c.cfg, discardLogger(), open.DB)
		switch {
		case c.says == "" && err != nil:
			t.Errorf("%+v: %v", c.cfg, err)
		case c.says != "" && (err == nil || !strings.Contains(err.Error(), c.says)):
			t.Errorf("%+v: %v, want an error saying %q", c.cfg, err, c.says)
		case err != nil && strings.Contains(err.Error(), metricsToken):
			t.Errorf("the error shows the token: %v", err)
		}
	}
}

// TestMetricsAndReadinessInADatabaseOutage: PostgreSQL stops answering
// (connections are taken and never answered, the worst case for a
// scrape). /metrics still answers, after its short timeout, with
// anyhour_database_up 0 and without the numbers it could not read;
// /readyz answers 503 with Retry-After. Once the database is back, both
// recover in the same process.
func TestMetricsAndReadinessInADatabaseOutage(t *testing.T) {
	if sqldbtest.Dialect() != sqldb.Postgres {
		t.Skip("the database is SQLite, a file with no server to lose; the PostgreSQL run of the suite takes this test (the blob store's outage runs on both)")
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
	a, err := app.New(app.Config{DataDir: t.TempDir(), BaseURL: srv.URL, Workers: 1, MetricsToken: metricsToken}, discardLogger(), db)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = a.Handler()
	if _, err := queue.Enqueue(ctx, a.DB, "metrics.test", nil); err != nil {
		t.Fatal(err)
	}
	m := scrape(t, srv.URL+"/metrics")
	if m.value(t, "anyhour_database_up") != 1 || len(m.find("anyhour_queue_tasks", "kind", "metrics.test")) == 0 {
		t.Fatalf("before the outage:\n%s", grepLines(m.raw, "anyhour_"))
	}
	ready(t, srv.URL, http.StatusOK)

	proxy.Cut()
	stall := stallOn(t, proxy.Addr)
	start := time.Now()
	m = scrape(t, srv.URL+"/metrics")
	t.Logf("a scrape with the database hanging took %v", time.Since(start))
	if m.value(t, "anyhour_database_up") != 0 {
		t.Error("anyhour_database_up is not 0 during the outage")
	}
	for _, name := range []string{"anyhour_queue_tasks", "anyhour_queue_oldest_ready_age_seconds", "anyhour_outbox_emails"} {
		if got := m.find(name); len(got) != 0 {
			t.Errorf("%s during the outage: %v", name, got)
		}
	}
	if len(m.find("anyhour_database_connections")) == 0 || len(m.find("go_goroutines")) == 0 {
		t.Error("the metrics that need no query are missing during the outage")
	}
	r := ready(t, srv.URL, http.StatusServiceUnavailable)
	if r.check("database") == "ok" || r.check("blob_store") != "ok" {
		t.Errorf("checks: %s", r.body)
	}
	for _, leak := range []string{proxy.Addr, u.Hostname() + ":", "dial", "pgconn", "postgres"} {
		if strings.Contains(r.body, leak) {
			t.Errorf("/readyz says %q: %s", leak, r.body)
		}
	}

	stall()
	proxy.Restore()
	waitReady(t, srv.URL)
	deadline := time.Now().Add(30 * time.Second)
	for scrape(t, srv.URL+"/metrics").value(t, "anyhour_database_up") != 1 {
		if time.Now().After(deadline) {
			t.Fatal("anyhour_database_up stays 0 after the outage")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

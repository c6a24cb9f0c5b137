package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// childMainEnv, when set, makes the test binary run anyhour as main does,
// logger and signals included, with the arguments in it (JSON), so that a
// test can read a real process's logs.
const childMainEnv = "ANYHOUR_TEST_CHILD_MAIN"

func init() {
	raw := os.Getenv(childMainEnv)
	if raw == "" {
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		panic(err)
	}
	logger := mainLogger(args)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := run(ctx, args, io.Discard, logger); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// lockedBuffer is a bytes.Buffer a child process writes while a test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLogsKeepSecrets runs serve as a process, in each log format, and
// sends it every secret a request can carry: API and candidate tokens in
// headers and paths, a session cookie, a password in a form, tokens of
// join, reset and share links, query strings, the metrics token and git
// credentials. Its logs name none of them; in JSON every line is a JSON
// object, and request lines carry the route instead of the path's token.
func TestLogsKeepSecrets(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			logs, secrets := exerciseServer(t, format)
			for _, s := range secrets {
				if strings.Contains(logs, s) {
					t.Errorf("the logs hold the secret %q:\n%s", s, linesWith(logs, s))
				}
			}
			lines := strings.Split(strings.TrimSpace(logs), "\n")
			var requests int
			for _, line := range lines {
				if format == "json" {
					var v map[string]any
					if err := json.Unmarshal([]byte(line), &v); err != nil || v["msg"] == nil || v["level"] == nil {
						t.Errorf("not a JSON log line (%v): %s", err, line)
						continue
					}
					if v["msg"] == "request" {
						requests++
					}
				} else {
					if !strings.HasPrefix(line, "time=") {
						t.Errorf("not a text log line: %s", line)
					}
					if strings.Contains(line, "msg=request") {
						requests++
					}
				}
			}
			if requests < 10 {
				t.Errorf("%d request lines; the logs:\n%s", requests, logs)
			}
			for _, want := range []string{"/c/{token}", "/join/{token}"} {
				if !strings.Contains(logs, want) {
					t.Errorf("no request line names the route %s", want)
				}
			}
		})
	}
}

// exerciseServer starts serve with logs in format, sends it requests with
// secrets, stops it, and returns its logs and the secrets.
func exerciseServer(t *testing.T, format string) (logs string, secrets []string) {
	t.Helper()
	dir := t.TempDir()
	addr := freePort(t)
	base := "http://" + addr
	args := append([]string{"serve", "--listen", addr, "--workers", "1", "--log-format", format}, dbArgs(t, dir)...)
	dbURL := args[len(args)-1]
	const password = "Correct-Horse-Battery-Staple-91"
	var out bytes.Buffer
	if err := run(context.Background(), []string{"admin", "bootstrap", "--org", "Acme", "--email", "o@acme.example",
		"--password", password, "--data-dir", dir, "--database-url", dbURL}, &out, discard); err != nil {
		t.Fatal(err)
	}
	apiToken := strings.TrimSpace(out.String())
	const metricsToken = "metrics-secret-7f3a9c1e5b2d4f60"

	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childMainEnv+"="+string(raw), "ANYHOUR_METRICS_TOKEN="+metricsToken)
	var stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitFor(t, base+"/readyz", &stderr)

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	call := func(method, path, bearer string, body io.Reader, header map[string]string) []byte {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, body)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	asJSON := map[string]string{"Content-Type": "application/json"}
	var job, iv struct {
		ID    int64 `json:"id"`
		Steps []struct {
			ID int64 `json:"id"`
		} `json:"steps"`
	}
	json.Unmarshal(call("POST", "/api/v1/jobs", apiToken, strings.NewReader(`{"title":"Engineer"}`), asJSON), &job)
	json.Unmarshal(call("POST", "/api/v1/interviews", apiToken, strings.NewReader(
		fmt.Sprintf(`{"job_id":%d,"title":"Screen","steps":[{"kind":"text","title":"Hello"}]}`, job.ID)), asJSON), &iv)
	var invited struct {
		Invitations []struct {
			Token string `json:"token"`
		} `json:"invitations"`
	}
	b := call("POST", fmt.Sprintf("/api/v1/interviews/%d/invitations", iv.ID), apiToken,
		strings.NewReader(`{"candidates":[{"name":"Ada","email":"ada@example.com"}]}`), asJSON)
	if err := json.Unmarshal(b, &invited); err != nil || len(invited.Invitations) != 1 {
		t.Fatalf("invite: %s", b)
	}
	candidate := invited.Invitations[0].Token

	const fake = "Zq9xLinkTokenThatMustNotBeLogged4242"
	call("GET", "/c/"+candidate, "", nil, nil)
	call("GET", "/api/v1/candidate", candidate, nil, nil)
	call("GET", "/join/"+fake+"1", "", nil, nil)
	call("GET", "/password/reset/"+fake+"2", "", nil, nil)
	call("GET", "/s/"+fake+"3/a/1", "", nil, nil)
	call("GET", "/api/v1/jobs?token="+fake+"4&password="+fake+"5", apiToken, nil, nil)
	call("POST", "/login", "", strings.NewReader(url.Values{"email": {"o@acme.example"}, "password": {password + "-wrong"}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	call("POST", "/login", "", strings.NewReader(url.Values{"email": {"o@acme.example"}, "password": {password}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	call("GET", "/", "", nil, nil)
	call("GET", "/", "", nil, map[string]string{"Cookie": "anyhour_session=" + fake + "6"})
	call("GET", "/metrics", metricsToken, nil, nil)
	call("GET", "/metrics", fake+"7", nil, nil)
	req, _ := http.NewRequest("GET", base+"/git/1/2.git/info/refs?service=git-upload-pack", nil)
	req.SetBasicAuth("candidate", fake+"8")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}

	secrets = []string{apiToken, candidate, password, metricsToken, fake}
	u, _ := url.Parse(base)
	for _, c := range jar.Cookies(u) {
		secrets = append(secrets, c.Value)
	}
	if len(secrets) < 6 {
		t.Fatalf("signing in set no cookie: %v", jar.Cookies(u))
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve exited with %v:\n%s", err, stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatalf("serve did not stop within a minute of SIGTERM")
	}
	return stderr.String(), secrets
}

// waitFor polls url until it answers 200, for up to a minute.
func waitFor(t *testing.T, url string, logs *lockedBuffer) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("%s never answered 200; the logs:\n%s", url, logs.String())
}

func linesWith(text, s string) string {
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// TestWorkerServesMetrics: a worker has no web server, so it serves
// /metrics, /healthz and /readyz on the metrics listener; beyond loopback
// it refuses to start without a token.
func TestWorkerServesMetrics(t *testing.T) {
	dir := t.TempDir()
	addr := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := dbArgs(t, dir)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"worker", "--metrics-listen", addr}, db...), io.Discard, discard)
	}()
	var logs lockedBuffer
	waitFor(t, "http://"+addr+"/readyz", &logs)
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"anyhour_database_up 1", "anyhour_outbox_emails{state=\"unknown\"} 0", "anyhour_database_connections{"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the worker's metrics lack %q:\n%s", want, linesWith(string(b), "anyhour_"))
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("worker returned %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the worker did not stop")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("the metrics listener outlives the worker")
	}

	err = run(context.Background(), append([]string{"worker", "--metrics-listen", "0.0.0.0:0"}, db...), io.Discard, discard)
	if err == nil || !strings.Contains(err.Error(), "ANYHOUR_METRICS_TOKEN") {
		t.Errorf("a worker with metrics on every interface and no token: %v", err)
	}
	err = run(context.Background(), append([]string{"serve", "--log-format", "xml"}, db...), io.Discard, discard)
	if err == nil || !strings.Contains(err.Error(), "use text or json") {
		t.Errorf("serve with --log-format xml: %v", err)
	}
}

func TestLogFormatArg(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--log-format", "json"}, "json"},
		{[]string{"serve", "-log-format=json"}, "json"},
		{[]string{"worker", "--listen", "x", "--log-format=text"}, "text"},
		{[]string{"similarity", "--", "--log-format", "json"}, ""},
	} {
		t.Setenv("ANYHOUR_LOG_FORMAT", "")
		if got := logFormat(c.args); got != c.want {
			t.Errorf("logFormat(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// dbArgs points a command at a fresh database: a SQLite file in dir, or
// a PostgreSQL database when the suite runs on PostgreSQL.
func dbArgs(t *testing.T, dir string) []string {
	_, url := sqldbtest.OpenURL(t)
	return []string{"--data-dir", dir, "--database-url", url}
}

func TestBootstrapPrintsOneTokenLine(t *testing.T) {
	dir := t.TempDir()
	args := append([]string{"admin", "bootstrap", "--org", "Acme", "--email", "owner@acme.example"}, dbArgs(t, dir)...)
	var out bytes.Buffer
	if err := run(context.Background(), args, &out, discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "ahk_") {
		t.Fatalf("bootstrap printed %q, want one token line", out.String())
	}
	// Again: the same organisation, a new token.
	var again bytes.Buffer
	if err := run(context.Background(), args, &again, discard); err != nil {
		t.Fatal(err)
	}
	if again.String() == out.String() {
		t.Error("second bootstrap printed the same token")
	}
	if err := run(context.Background(), []string{"admin", "bootstrap"}, io.Discard, discard); err == nil {
		t.Error("bootstrap without --org and --email succeeded")
	}
}

func TestHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, &out, discard); err != nil || !strings.Contains(out.String(), "anyhour serve") {
		t.Errorf("--help: %v\n%s", err, out.String())
	}
	for _, cmd := range [][]string{{"serve", "-h"}, {"doctor", "-h"}, {"worker", "-h"}, {"migrate", "-h"}, {"demo", "-h"}, {"admin", "bootstrap", "-h"}} {
		if err := run(context.Background(), cmd, io.Discard, discard); err == nil || !strings.Contains(err.Error(), "help requested") {
			t.Errorf("%v: err = %v, want help", cmd, err)
		}
	}
	if err := run(context.Background(), []string{"frobnicate"}, io.Discard, discard); err == nil {
		t.Error("an unknown command succeeded")
	}
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeShutsDownGracefully starts serve, waits until it answers, then
// cancels it as SIGTERM would and checks that it returns cleanly.
func TestServeShutsDownGracefully(t *testing.T) {
	dir := t.TempDir()
	addr := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		done <- run(ctx, append([]string{"serve", "--listen", addr}, dbArgs(t, dir)...), &out, discard)
	}()
	var ready bool
	// Up to a minute: a loaded machine can be slow to start serve.
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && !ready; {
		resp, err := http.Get(fmt.Sprintf("http://%s/readyz", addr))
		if err == nil {
			resp.Body.Close()
			ready = resp.StatusCode == http.StatusOK
		}
		if !ready {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if !ready {
		cancel()
		t.Fatalf("serve never became ready: %v", <-done)
	}
	if resp, err := http.Get(fmt.Sprintf("http://%s/healthz", addr)); err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s of being asked")
	}
	if !strings.Contains(out.String(), "anyhour is running at http://"+addr) {
		t.Errorf("serve did not print its URL: %q", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir)); err != nil {
		t.Error(err)
	}
}

// TestDoctor: on a machine with the sandbox and the toolchains (CI
// installs them), doctor finds every language working.
func TestDoctor(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"doctor"}, &out, discard)
	if err != nil && os.Getenv("CI") != "true" {
		t.Skipf("!!! doctor found problems on this machine: %v\n%s", err, out.String())
	}
	if err != nil {
		t.Fatalf("doctor: %v\n%s", err, out.String())
	}
	for _, want := range []string{"ok    sandbox", "ok    python", "ok    javascript", "ok    go", "ok    video"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("doctor printed no %q:\n%s", want, out.String())
		}
	}
}

// TestNoDefaultLinksInEmails: serve and worker with an SMTP server but no
// base URL refuse to start, before touching the database, and say what to
// set; with the base URL they start (serve is cancelled at once).
func TestNoDefaultLinksInEmails(t *testing.T) {
	dir := t.TempDir()
	smtpURL := "smtp://127.0.0.1:1?from=hiring@acme.example"
	for _, cmd := range []string{"serve", "worker"} {
		args := append([]string{cmd, "--listen", "127.0.0.1:8089", "--smtp-url", smtpURL}, dbArgs(t, dir)...)
		err := run(context.Background(), args, io.Discard, discard)
		if err == nil || !strings.Contains(err.Error(), "ANYHOUR_BASE_URL is not set") || !strings.Contains(err.Error(), "http://127.0.0.1:8089") {
			t.Errorf("%s with SMTP and no base URL: %v", cmd, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	args := append([]string{"worker", "--base-url", "https://hiring.acme.example", "--smtp-url", smtpURL}, dbArgs(t, dir)...)
	if err := run(ctx, args, io.Discard, discard); err != nil && strings.Contains(err.Error(), "ANYHOUR_BASE_URL") {
		t.Errorf("worker with a base URL: %v", err)
	}
}

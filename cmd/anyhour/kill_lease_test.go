package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/smtp/smtptest"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// apiPost posts body as JSON to the API of the server at addr with token,
// failing the test unless it succeeds, and returns the response's body.
func apiPost(t *testing.T, addr, token, path string, body any) []byte {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", "http://"+addr+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, buf.String())
	}
	return buf.Bytes()
}

// inviteAda makes a job and an interview of one written step through the
// API and invites Ada to it, which queues her invitation email.
func inviteAda(t *testing.T, addr, token string) {
	t.Helper()
	var job, iv struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal(apiPost(t, addr, token, "/api/v1/jobs", map[string]any{"title": "Engineer"}), &job)
	json.Unmarshal(apiPost(t, addr, token, "/api/v1/interviews", map[string]any{"job_id": job.ID, "title": "Screen",
		"steps": []any{map[string]any{"kind": "text", "title": "Hello"}}}), &iv)
	apiPost(t, addr, token, "/api/v1/interviews/"+itoa(iv.ID)+"/invitations",
		map[string]any{"candidates": []any{map[string]any{"name": "Ada", "email": "ada@example.com"}}})
}

// waitLogged waits until out holds line, a message the process logs.
func waitLogged(t *testing.T, out interface{ String() string }, line string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(out.String(), line); {
		if time.Now().After(deadline) {
			t.Fatalf("the process never logged %q", line)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestKilledProcessTaskIsTakenOver kills with SIGKILL a real `anyhour
// worker`, and a real `anyhour serve` running workers, while it sends an
// invitation (the SMTP server has taken it; its answer is held back).
// Another `anyhour worker` takes the task over once the dead process's
// lease has run out, by the database's clock, and not before; and within
// a few leases of the kill, instead of the minutes a lease used to last.
// Taking it over, it finds the email half sent and marks it unknown,
// without sending it again.
func TestKilledProcessTaskIsTakenOver(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	for _, killed := range []string{"worker", "serve"} {
		t.Run(killed, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			mail := smtptest.Start(t)
			hold := newSMTPHold(t, mail.SMTPAddr)
			dir := t.TempDir()
			addr := freePort(t)
			db := dbArgs(t, dir)
			dbURL := db[len(db)-1]
			common := append([]string{"--workers", "1", "--base-url", "http://" + addr,
				"--smtp-url", "smtp://" + hold.addr + "?from=hiring@acme.example"}, db...)
			var out bytes.Buffer
			if err := run(ctx, []string{"admin", "bootstrap", "--org", "Acme", "--email", "o@acme.example", "--data-dir", dir, "--database-url", dbURL}, &out, discard); err != nil {
				t.Fatal(err)
			}
			token := strings.TrimSpace(out.String())
			serveArgs := append([]string{"serve", "--listen", addr}, common...)
			workerArgs := append([]string{"worker"}, common...)

			var victim *os.Process
			if killed == "serve" {
				victim = startServer(t, serveArgs, addr).Process
			} else {
				startServer(t, append(serveArgs, "--no-workers"), addr)
				cmd, _ := startChild(t, workerArgs)
				victim = cmd.Process
			}
			inviteAda(t, addr, token)
			select {
			case <-hold.held:
			case <-time.After(2 * time.Minute):
				t.Fatal("the invitation never reached the SMTP server")
			}
			mail.WaitFor(1) // the server has it

			// Another worker starts; once it runs, the sender dies.
			second, secondOut := startChild(t, workerArgs)
			waitLogged(t, secondOut, "queue worker started")
			if err := victim.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killedAt := time.Now()

			d, err := sqldb.Open(ctx, dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			var task int64
			var leaseEnd time.Time
			if err := d.QueryRow(ctx, `SELECT id, lease_until FROM tasks WHERE kind = 'email.send' AND status = 'running'`).Scan(&task, &leaseEnd); err != nil {
				t.Fatalf("the dead process's task: %v", err)
			}
			var status string
			for deadline := killedAt.Add(5 * queue.DefaultLease); ; {
				if err := d.QueryRow(ctx, `SELECT status FROM emails WHERE kind = 'invitation'`).Scan(&status); err != nil {
					t.Fatal(err)
				}
				if status != "sending" || time.Now().After(deadline) {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			took := time.Since(killedAt)
			if status != "unknown" {
				t.Fatalf("after the kill the invitation is %q, want unknown", status)
			}
			var attempts int
			var by string
			var updated time.Time
			if err := d.QueryRow(ctx, `SELECT attempts, worker, updated_at FROM tasks WHERE id = $1`, task).Scan(&attempts, &by, &updated); err != nil {
				t.Fatal(err)
			}
			host, _ := os.Hostname()
			if want := fmt.Sprintf("%s:%d", host, second.Process.Pid); attempts != 2 || by != want {
				t.Errorf("the task ran %d times, last by %q; want twice, last by the other worker %q", attempts, by, want)
			}
			if updated.Before(leaseEnd) {
				t.Errorf("the task was taken over at %v, before the dead process's lease ran out at %v", updated, leaseEnd)
			}
			t.Logf("taken over %.1f s after the kill (%.2f leases)", took.Seconds(), float64(took)/float64(queue.DefaultLease))
			if took > 3*queue.DefaultLease {
				t.Errorf("taken over %.1f leases after the kill, want within about one", float64(took)/float64(queue.DefaultLease))
			}
			if n := len(mail.Messages()); n != 1 {
				t.Errorf("the SMTP server received %d messages, want exactly 1", n)
			}
		})
	}
}

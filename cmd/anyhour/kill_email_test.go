package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// smtpCatcher is a minimal SMTP server. When a message's data has arrived
// it reports it on received and holds its "250" answer until release is
// closed, so that a test can kill the client in between: after the server
// has the message and before the client learns it.
type smtpCatcher struct {
	ln       net.Listener
	received chan string
	release  chan struct{}
	mu       sync.Mutex
	messages []string
}

func newSMTPCatcher(t *testing.T) *smtpCatcher {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &smtpCatcher{ln: ln, received: make(chan string, 10), release: make(chan struct{})}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go c.serve(conn)
		}
	}()
	return c
}

func (c *smtpCatcher) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(s string) { conn.Write([]byte(s + "\r\n")) }
	say("220 catcher ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 catcher")
		case strings.HasPrefix(cmd, "DATA"):
			say("354 go ahead")
			var msg bytes.Buffer
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				msg.WriteString(l)
			}
			c.mu.Lock()
			c.messages = append(c.messages, msg.String())
			c.mu.Unlock()
			c.received <- msg.String()
			<-c.release
			say("250 queued")
		case strings.HasPrefix(cmd, "QUIT"):
			say("221 bye")
			return
		default: // MAIL, RCPT, RSET, NOOP
			say("250 ok")
		}
	}
}

func (c *smtpCatcher) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.messages)
}

// TestKilledWorkerDoesNotSendTwice kills anyhour with SIGKILL after the
// SMTP server has taken an invitation and before anyhour has recorded it
// as sent, then starts it again: the email is marked "unknown" for an
// admin, and not sent a second time.
func TestKilledWorkerDoesNotSendTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	smtp := newSMTPCatcher(t)
	dir := t.TempDir()
	addr := freePort(t)
	args := append([]string{"serve", "--listen", addr, "--workers", "1", "--base-url", "http://" + addr,
		"--smtp-url", "smtp://" + smtp.ln.Addr().String() + "?from=hiring@acme.example"}, dbArgs(t, dir)...)
	dbURL := args[len(args)-1]
	var out bytes.Buffer
	if err := run(context.Background(), []string{"admin", "bootstrap", "--org", "Acme", "--email", "o@acme.example", "--data-dir", dir, "--database-url", dbURL}, &out, discard); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out.String())
	server := startServer(t, args, addr)
	post := func(path string, body any) []byte {
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
	var job, iv struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal(post("/api/v1/jobs", map[string]any{"title": "Engineer"}), &job)
	json.Unmarshal(post("/api/v1/interviews", map[string]any{"job_id": job.ID, "title": "Screen",
		"steps": []any{map[string]any{"kind": "text", "title": "Hello"}}}), &iv)
	post("/api/v1/interviews/"+itoa(iv.ID)+"/invitations", map[string]any{"candidates": []any{map[string]any{"name": "Ada", "email": "ada@example.com"}}})

	select {
	case msg := <-smtp.received:
		if !strings.Contains(msg, "ada@example.com") {
			t.Fatalf("the server received %q", msg)
		}
	case <-time.After(time.Minute):
		t.Fatal("the invitation never reached the SMTP server")
	}
	// The server has the message; anyhour waits for its answer. Kill it.
	server.Process.Signal(syscall.SIGKILL)
	server.Wait()
	close(smtp.release)

	// A minute later, as far as the lease knows: the new process may
	// reclaim the task the dead one held.
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var status string
	if err := db.QueryRow(ctx, `SELECT status FROM emails WHERE kind = 'invitation'`).Scan(&status); err != nil || status != "sending" {
		t.Fatalf("after the kill the invitation is %q (%v), want sending", status, err)
	}
	if _, err := db.Exec(ctx, `UPDATE tasks SET lease_until = $1 WHERE status = 'running'`, time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}

	startServer(t, args, addr)
	deadline := time.Now().Add(time.Minute)
	for {
		db.QueryRow(ctx, `SELECT status FROM emails WHERE kind = 'invitation'`).Scan(&status)
		if status == "unknown" || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status != "unknown" {
		t.Fatalf("after the restart the invitation is %q, want unknown", status)
	}
	time.Sleep(300 * time.Millisecond)
	if n := smtp.count(); n != 1 {
		t.Errorf("the SMTP server received %d messages, want exactly 1", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Package smtptest starts a real SMTP server for tests: Mailpit, which
// keeps what it receives and shows it through a REST API.
//
// The binary is built once by scripts/tools.sh and found through
// ANYHOUR_MAILPIT, or else in the cache that script fills. Without it the
// tests that need SMTP skip, loudly; with CI=true they fail instead.
package smtptest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/smtp"
	"github.com/anyhour/anyhour/internal/testproc"
)

// Version is the Mailpit release the harness expects, as pinned in
// scripts/tools.sh.
const Version = "v1.31.0"

// Server is a running Mailpit.
type Server struct {
	t        testing.TB
	bin, dir string
	SMTPAddr string // host:port of its SMTP side
	api      string // base URL of its REST API

	mu   sync.Mutex // guards cmd and done
	cmd  *exec.Cmd
	done chan struct{}
	out  testproc.Output // the running server's output
}

// Start runs Mailpit on free 127.0.0.1 ports over a fresh directory. It
// stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, bin: binary(t), dir: t.TempDir()}
	var err error
	for range 3 { // a free port can be taken before Mailpit binds it
		smtpAddr, e1 := testproc.FreeAddr()
		apiAddr, e2 := testproc.FreeAddr()
		if e1 != nil || e2 != nil {
			t.Fatalf("mailtest: %v %v", e1, e2)
		}
		s.SMTPAddr, s.api = smtpAddr, "http://"+apiAddr
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Config is an smtp.Config that sends through s, from from.
func (s *Server) Config(from smtp.Address) smtp.Config {
	host, port, _ := net.SplitHostPort(s.SMTPAddr)
	p, _ := strconv.Atoi(port)
	return smtp.Config{Host: host, Port: p, Security: smtp.Opportunistic, From: from, Timeout: 10 * time.Second}
}

// URL is the ANYHOUR_SMTP_URL that sends through s.
func (s *Server) URL(from string) string {
	return "smtp://" + s.SMTPAddr + "?from=" + from
}

// Stop stops the server, keeping what it received for a Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// Restart starts a stopped server again on the same ports.
func (s *Server) Restart() {
	s.t.Helper()
	var err error
	for range 50 { // the old process's ports may take a moment to free
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("mailtest: restart: %v", err)
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd := exec.Command(s.bin, "--smtp", s.SMTPAddr, "--listen", s.api[len("http://"):],
		"--database", filepath.Join(s.dir, "mailpit.db"), "--disable-version-check",
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure")
	s.out.Reset()
	cmd.Stdout, cmd.Stderr = &s.out, &s.out
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	testproc.DieWithParent(cmd.SysProcAttr)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	deadline := time.Now().Add(30 * time.Second) // a loaded machine starts it slowly
	for {
		resp, err := http.Get(s.api + "/api/v1/messages")
		if err == nil {
			resp.Body.Close()
			if c, err := net.DialTimeout("tcp", s.SMTPAddr, time.Second); err == nil {
				c.Close()
				s.cmd, s.done = cmd, done
				return nil
			}
		}
		select {
		case <-done:
			return fmt.Errorf("mailpit exited early: %s", s.out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-done
			return fmt.Errorf("mailpit not ready after 10 s: %s", s.out.String())
		}
	}
}

// Summary is a received message as Mailpit lists it.
type Summary struct {
	ID        string
	MessageID string
	From      Addr
	To        []Addr
	Cc, Bcc   []Addr
	Subject   string
}

// Addr is an address as Mailpit reports it.
type Addr struct {
	Name    string
	Address string
}

// Message is a received message in full.
type Message struct {
	Summary
	Text, HTML string
}

// Messages lists what arrived, newest first.
func (s *Server) Messages() []Summary {
	s.t.Helper()
	var out struct{ Messages []Summary }
	s.get("/api/v1/messages?limit=1000", &out)
	return out.Messages
}

// Message returns one message by its Mailpit ID.
func (s *Server) Message(id string) Message {
	s.t.Helper()
	var m Message
	s.get("/api/v1/message/"+id, &m)
	return m
}

// Headers returns a message's raw headers.
func (s *Server) Headers(id string) map[string][]string {
	s.t.Helper()
	h := map[string][]string{}
	s.get("/api/v1/message/"+id+"/headers", &h)
	return h
}

// WaitFor polls until n messages have arrived and returns them; it
// fails the test after 30 s.
func (s *Server) WaitFor(n int) []Summary {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ms := s.Messages()
		if len(ms) >= n || time.Now().After(deadline) {
			if len(ms) < n {
				s.t.Fatalf("mailtest: %d messages arrived, want %d", len(ms), n)
			}
			return ms
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) get(path string, v any) {
	s.t.Helper()
	resp, err := http.Get(s.api + path)
	if err != nil {
		s.t.Fatalf("mailtest: GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("mailtest: GET %s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		s.t.Fatalf("mailtest: GET %s: %v\n%s", path, err, body)
	}
}

// binary finds mailpit, or ends the test.
func binary(t testing.TB) string {
	return testproc.Binary(t, "ANYHOUR_MAILPIT", "mailpit", Version, "SMTP tests")
}
